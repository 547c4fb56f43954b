import { describe, expect, it } from "vitest";
import { courseLoaderProblems, courseLoaderSettings } from "../../stacks/kubernetes/course-loader.ts";
import {
  courseLoaderJobManifest,
  loadConfigSecret,
  loadRunnerJobManifests,
} from "../../stacks/kubernetes/job-manifests.ts";
import { loadRunnerProblems, loadRunnerSettings } from "../../stacks/kubernetes/load-runners.ts";
import { runnerEnv } from "../../stacks/kubernetes/runner-report.ts";
import { identity, namespace } from "./helpers/fixtures.ts";
import { validateAgainstOpenApi } from "./helpers/k8s-openapi.ts";

const SANDBOX_KEYS = ["sandbox.name", "sandbox.owner", "sandbox.expires-at"];

function expectSandboxMetadata(manifest: { metadata?: { labels?: object; annotations?: object } }) {
  for (const key of SANDBOX_KEYS) {
    expect(manifest.metadata?.labels).toHaveProperty([key]);
    expect(manifest.metadata?.annotations).toHaveProperty([key]);
  }
}

describe("jobs", () => {
  const runners = loadRunnerSettings({
    identity,
    namespace,
    runId: "run-42",
    runners: 3,
    config: '{"runId":"run-42"}',
  });

  it("splits the load over N runner Jobs by execution segment, their configuration from one Secret", () => {
    const jobs = loadRunnerJobManifests(runners);
    expect(jobs.map((j) => j.metadata?.name)).toEqual(["load-run-42-1", "load-run-42-2", "load-run-42-3"]);
    expect(jobs.map((j) => j.spec?.template.spec?.containers[0]?.env)).toEqual([
      runnerEnv("1/3"),
      runnerEnv("2/3"),
      runnerEnv("3/3"),
    ]);
    expect(runnerEnv("2/3")).toContainEqual({ name: "LOAD_SEGMENT", value: "2/3" });
    expect(jobs[0]?.spec?.template.spec?.containers[0]?.command?.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
    const job = jobs[0];
    expect(job?.spec?.template.spec?.containers[0]?.image).toBe("sandbox/load-runner:latest");
    expect(job?.spec?.template.spec?.restartPolicy).toBe("Never");
    expect(job?.spec?.backoffLimit).toBe(0);
    expect(job?.spec?.activeDeadlineSeconds).toBe(3600);
    expect(job?.spec?.template.spec?.automountServiceAccountToken).toBe(false);
    expect(job?.spec?.template.spec?.serviceAccountName).toBe("load-run-42");
    expect(job?.spec?.template.spec?.volumes).toEqual([
      { name: "config", secret: { secretName: "load-run-42-config" } },
      { name: "out", emptyDir: { sizeLimit: "1Gi" } },
    ]);
    const secret = loadConfigSecret(runners);
    expect(secret.stringData).toEqual({ "config.json": '{"runId":"run-42"}' });
    for (const manifest of [...jobs, secret]) {
      validateAgainstOpenApi(manifest as unknown as Record<string, unknown>);
      expectSandboxMetadata(manifest);
    }
    expect(JSON.stringify(jobs)).not.toMatch(/k6/);
  });

  it("installs a course with a Job reading the admin password from the candidate's Secret", () => {
    const s = courseLoaderSettings("moodle-course1", {
      identity,
      namespace,
      candidate: "moodle",
      targetUrl: "http://moodle:8080",
      method: "moodle-cli",
      courseClaim: "course-packages",
      coursePath: "course1.zip",
      credentials: { secretName: "moodle-secrets", passwordKey: "adminPassword", user: "admin" },
    });
    const job = courseLoaderJobManifest(s);
    validateAgainstOpenApi(job as unknown as Record<string, unknown>);
    expectSandboxMetadata(job);
    const container = job.spec?.template.spec?.containers[0];
    expect(container?.command).toEqual([
      "node",
      "/app/course-loader.mjs",
      "--candidate",
      "moodle",
      "--course",
      "/course/course1.zip",
    ]);
    expect(container?.env?.find((e) => e.name === "SANDBOX_ADMIN_PASSWORD")?.valueFrom?.secretKeyRef).toEqual(
      {
        name: "moodle-secrets",
        key: "adminPassword",
      },
    );
    expect(courseLoaderProblems(s)).toEqual([]);
    expect(courseLoaderProblems({ ...s, targetUrl: "moodle:8080", coursePath: "../etc/passwd" })).toEqual([
      'targetUrl "moodle:8080" must be an http(s) URL',
      'coursePath "../etc/passwd" must be a relative path inside the course volume',
    ]);
  });

  it("names each bad load-runner argument", () => {
    expect(loadRunnerProblems(runners)).toEqual([]);
    expect(
      loadRunnerProblems({
        ...runners,
        runId: "Run 1",
        runners: 0,
        config: "{",
        deadlineS: 0,
      }),
    ).toEqual([
      "runId \"Run 1\" must be a DNS label (a-z, 0-9, '-', at most 63 characters)",
      "runners must be a whole number from 1 to 64, got 0",
      expect.stringMatching(/^config is not JSON: /),
      "deadlineS must be from 1 to 86400, got 0",
    ]);
    expect(loadRunnerProblems({ ...runners, config: JSON.stringify("x".repeat(1_100_000)) })[0]).toMatch(
      /above a Secret's 1 MiB/,
    );
  });
});
