import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capacityResultSchema } from "../../../sandbox-cli/src/capacity/result-schema.ts";
import { runCli } from "../../helpers/cli.ts";

const spec = `name: cap-test
owner: training@example.com
candidates:
  - catalog: reference-lms
sites:
  - name: lyon
    profile: small-branch
    learners: 4
`;

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "capacity-cli-"));
  await writeFile(join(dir, "sandbox.yaml"), spec);
  await writeFile(join(dir, "no-sites.yaml"), spec.replace(/sites:[\s\S]*$/, ""));
  const hls = join(dir, "hls");
  await mkdir(join(hls, "720p"), { recursive: true });
  await writeFile(
    join(hls, "master.m3u8"),
    "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=2000000,RESOLUTION=1280x720\n720p/index.m3u8\n",
  );
  await writeFile(
    join(hls, "720p", "index.m3u8"),
    "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6,\na.ts\n#EXTINF:6,\nb.ts\n",
  );
  await writeFile(join(hls, "720p", "a.ts"), Buffer.alloc(1_500_000)); // 2000 kbit/s
  await writeFile(join(hls, "720p", "b.ts"), Buffer.alloc(1_800_000)); // 2400 kbit/s: the peak
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("sandbox capacity", () => {
  it("--json prints a CapacityResult built from the measured peak (2400), not the nominal 2000", async () => {
    const result = await runCli([
      "capacity",
      "--spec",
      join(dir, "sandbox.yaml"),
      "--media",
      join(dir, "hls"),
      "--lms-down-kbps",
      "20",
      "--json",
    ]);
    expect(result.exitCode).toBe(0);
    const capacity = capacityResultSchema.parse(JSON.parse(result.stdout));
    expect(capacity.media).toEqual([
      { rendition: "720p", nominalKbps: 2000, peakKbps: 2400, averageKbps: 2200 },
    ]);
    // small-branch: 10 Mbit/s x 0.5 = 5000 kbit/s; 2400 x 1.1 + 20 = 2660 per learner -> 1
    expect(capacity.sites[0]).toMatchObject({ site: "lyon", predictedNMax: 1, settledRendition: "720p" });
  });

  it("prints a readable summary that says when the expected learners do not fit", async () => {
    const result = await runCli([
      "capacity",
      "--spec",
      join(dir, "sandbox.yaml"),
      "--media",
      join(dir, "hls"),
      "--upgrade-mbps",
      "50",
    ]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("720p       peak 2400 kbit/s");
    expect(result.stdout).toContain("predicted N_max 1 at 720p for 4 expected learners: DOES NOT FIT");
    expect(result.stdout).toContain("what if downlink 10 Mbit/s -> 50 Mbit/s: N_max 9 at 720p");
  });

  it("usage errors name the problem and the fix (exit 2)", async () => {
    const noMedia = await runCli(["capacity", "--spec", join(dir, "sandbox.yaml")]);
    expect(noMedia.exitCode).toBe(2);
    expect(noMedia.stderr).toContain("--media is required");
    const badNumber = await runCli([
      "capacity",
      "--spec",
      join(dir, "sandbox.yaml"),
      "--media",
      join(dir, "hls"),
      "--lms-up-kbps",
      "lots",
    ]);
    expect(badNumber.exitCode).toBe(2);
    expect(badNumber.stderr).toContain("--lms-up-kbps must be a number");
    const noSites = await runCli([
      "capacity",
      "--spec",
      join(dir, "no-sites.yaml"),
      "--media",
      join(dir, "hls"),
    ]);
    expect(noSites.exitCode).toBe(2);
    expect(noSites.stderr).toContain("lists no sites");
    expect(noSites.stderr).toContain("fix: add sites");
    const noFolder = await runCli([
      "capacity",
      "--spec",
      join(dir, "sandbox.yaml"),
      "--media",
      join(dir, "missing"),
    ]);
    expect(noFolder.exitCode).toBe(2);
    expect(noFolder.stderr).toContain("HLS_FOLDER_UNREADABLE");
  });
});
