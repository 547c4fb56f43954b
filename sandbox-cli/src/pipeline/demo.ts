import { mkdir, writeFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { buildSampleCourse } from "../../../examples/sample-course/src/build.ts";
import { stateDir } from "../paths.ts";
import type { SandboxSpecInput } from "../sandbox-spec/index.ts";
import type { Logger } from "../util/log.ts";
import { type NightlyResult, runNightly } from "./nightly.ts";

/** The demo's branch office: 10/4 Mbit/s, 40 ms, 60% of it for training, 9 learners. */
export const DEMO_BRANCH = {
  name: "branch",
  downlinkMbps: 10,
  uplinkMbps: 4,
  rttMs: 40,
  learners: 9,
  trainingShare: 0.6,
} as const;

/**
 * The demo's spec: the reference LMS and the nginx media server, HQ and a 10 Mbit/s branch that tries
 * an nginx edge cache (measured both ways; the cap of 30 learners keeps the cached probe short).
 */
export function demoSpec(courseZip: string, owner: string): SandboxSpecInput {
  return {
    name: "demo",
    owner,
    ttl: "2h",
    target: { kind: "docker" },
    candidates: [{ catalog: "reference-lms" }, { catalog: "media-nginx" }],
    courses: [{ path: courseZip }],
    sites: [
      { name: "hq", profile: "hq-lan", learners: 60 },
      { ...DEMO_BRANCH, edgeCache: { kind: "nginx", sizeMb: 256 } },
    ],
    load: { peakLearners: 8, rampUp: "10s", duration: "40s", maxLearners: 30, maxDuration: "10m" },
  };
}

export async function runDemo(options: { keep: boolean }, log: Logger): Promise<NightlyResult> {
  const course = await log.step(
    "build the sample course (Sarbanes-Oxley essentials, SCORM 1.2 + HLS video)",
    () => buildSampleCourse({ logger: log }),
  );
  const dir = join(stateDir(), "demo");
  await mkdir(dir, { recursive: true });
  const specPath = join(dir, "sandbox.yaml");
  const owner = process.env.SANDBOX_OWNER ?? safeUser();
  await writeFile(specPath, `# written by \`sandbox demo\`\n${stringify(demoSpec(course.zipPath, owner))}`);
  log.info(`demo spec: ${specPath}`);
  return runNightly({ specPath, keep: options.keep, measureSitesUpTo: 10 }, log);
}

function safeUser(): string {
  try {
    return userInfo().username || "trainer";
  } catch {
    return "trainer";
  }
}
