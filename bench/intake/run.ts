/**
 * Intake benchmark: builds a ~1 GB course package (mostly incompressible H.264 video) in a temp dir,
 * then times `sandbox course inspect` against `unzip -t` on the same file, alternating runs, with
 * peak RSS from /usr/bin/time -v. Goal: inspect <= 1.5x unzip -t, inspect peak RSS <= 200 MB.
 *
 *   npm run bench:intake               # ~1 GB, 3 rounds
 *   BENCH_MB=300 BENCH_ROUNDS=2 npm run bench:intake
 */
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { projectRoot } from "../../sandbox-cli/src/paths.ts";

const targetMb = Number(process.env.BENCH_MB ?? 1024);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const clipMb = 200;

interface Sample {
  seconds: number;
  /** user + system CPU seconds, children included: steadier than wall time on a shared machine */
  cpuSeconds: number;
  maxRssMb: number;
}

async function timed(command: string, args: string[]): Promise<Sample> {
  const result = await execa("/usr/bin/time", ["-v", command, ...args], { reject: false, stdout: "ignore" });
  const stderr = String(result.stderr);
  if (result.exitCode !== 0)
    throw new Error(`${command} failed (exit ${result.exitCode}):\n${stderr.slice(-2000)}`);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(stderr);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
  const system = /System time \(seconds\): ([\d.]+)/.exec(stderr);
  if (!wall || !rss || !user || !system)
    throw new Error(`could not read /usr/bin/time output:\n${stderr.slice(-1000)}`);
  const seconds = Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]);
  return { seconds, cpuSeconds: Number(user[1]) + Number(system[1]), maxRssMb: Number(rss[1]) / 1024 };
}

async function buildPackage(dir: string): Promise<string> {
  const course = join(dir, "course");
  await mkdir(join(course, "media"), { recursive: true });
  const clips = Math.max(1, Math.round(targetMb / clipMb));
  const seconds = Math.max(1, Math.round((clipMb / 102) * 4 * (targetMb < clipMb ? targetMb / clipMb : 1)));
  const resources: string[] = [];
  for (let i = 1; i <= clips; i++) {
    const name = `media/lesson-${i}.mp4`;
    // random frames: x264 cannot shrink them, so the zip's deflate cannot either
    await execa("ffmpeg", [
      "-v",
      "error",
      "-y",
      "-f",
      "rawvideo",
      "-pix_fmt",
      "yuv420p",
      "-s",
      "1280x720",
      "-r",
      "25",
      "-i",
      "/dev/urandom",
      "-t",
      String(seconds),
      "-c:v",
      "libx264",
      "-preset",
      "ultrafast",
      "-qp",
      "24",
      join(course, name),
    ]);
    resources.push(`<file href="${name}"/>`);
    await writeFile(
      join(course, `lesson-${i}.html`),
      `<html><body><video src="${name}" controls></video></body></html>`,
    );
  }
  await writeFile(
    join(course, "imsmanifest.xml"),
    `<?xml version="1.0"?><manifest identifier="bench" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"><metadata><schemaversion>1.2</schemaversion></metadata><organizations default="o"><organization identifier="o"><title>bench</title><item identifier="i" identifierref="r"><title>lesson</title></item></organization></organizations><resources><resource identifier="r" type="webcontent" adlcp:scormtype="sco" href="lesson-1.html">${resources.join("")}</resource></resources></manifest>`,
  );
  const zip = join(dir, "course.zip");
  await execa("zip", ["-q", "-r", "-1", zip, "."], { cwd: course });
  await rm(course, { recursive: true, force: true });
  return zip;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "bench-intake-"));
  try {
    process.stderr.write(`building a ~${targetMb} MB package in ${dir}\n`);
    const zip = await buildPackage(dir);
    const size = (await stat(zip)).size;
    const cli = join(projectRoot, "sandbox-cli", "bin", "sandbox.mjs");
    const engine = join(projectRoot, "bench", "intake", "inspect-only.ts");
    const tsx = join(projectRoot, "node_modules", "tsx", "dist", "cli.mjs");
    const unzip: Sample[] = [];
    const inspect: Sample[] = [];
    const cliInspect: Sample[] = [];
    const cliHelp: Sample[] = [];
    await timed("unzip", ["-tqq", zip]); // warm the page cache once so every run reads from memory
    for (let round = 1; round <= rounds; round++) {
      unzip.push(await timed("unzip", ["-tqq", zip]));
      inspect.push(await timed(process.execPath, [tsx, engine, zip]));
      cliInspect.push(await timed(process.execPath, [cli, "course", "inspect", zip, "--json"]));
      cliHelp.push(await timed(process.execPath, [cli, "--help"]));
      process.stderr.write(
        `round ${round}: unzip -t ${unzip.at(-1)?.seconds.toFixed(2)}s, inspect (engine) ${inspect.at(-1)?.seconds.toFixed(2)}s, ` +
          `sandbox course inspect ${cliInspect.at(-1)?.seconds.toFixed(2)}s, sandbox --help ${cliHelp.at(-1)?.seconds.toFixed(2)}s\n`,
      );
    }
    const unzipSeconds = median(unzip.map((s) => s.seconds));
    const inspectSeconds = median(inspect.map((s) => s.seconds));
    const cliSeconds = median(cliInspect.map((s) => s.seconds));
    const ratio = (value: number) => Math.round((value / unzipSeconds) * 100) / 100;
    const peak = (samples: Sample[]) => Math.round(Math.max(...samples.map((s) => s.maxRssMb)));
    const result = {
      packageMb: Math.round(size / 1024 / 1024),
      rounds,
      unzipTestSeconds: unzipSeconds,
      inspectSeconds,
      ratio: ratio(inspectSeconds),
      inspectPeakRssMb: peak(inspect),
      unzipTestCpuSeconds: median(unzip.map((s) => s.cpuSeconds)),
      inspectCpuSeconds: median(inspect.map((s) => s.cpuSeconds)),
      cpuRatio:
        Math.round(
          (median(inspect.map((s) => s.cpuSeconds)) / median(unzip.map((s) => s.cpuSeconds))) * 100,
        ) / 100,
      loadAverageAtEnd: loadavg()[0],
      cli: {
        seconds: cliSeconds,
        cpuSeconds: median(cliInspect.map((s) => s.cpuSeconds)),
        ratio: ratio(cliSeconds),
        peakRssMb: peak(cliInspect),
        helpSeconds: median(cliHelp.map((s) => s.seconds)),
        helpPeakRssMb: peak(cliHelp),
      },
      unzipPeakRssMb: peak(unzip),
      goals: { ratioAtMost: 1.5, peakRssMbAtMost: 200 },
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    const ok = result.ratio <= 1.5 && result.inspectPeakRssMb <= 200;
    process.stderr.write(ok ? "goals met\n" : "goals NOT met\n");
    process.exitCode = ok ? 0 : 1;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
