// The reference LMS's pure logic and its zip extraction, without containers.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentKey } from "../../../images/reference-lms/src/agents.ts";
import { aiccStatus, getParamData, parseAiccData } from "../../../images/reference-lms/src/aicc.ts";
import { hashPassword, verifyPassword } from "../../../images/reference-lms/src/passwords.ts";
import { summariseScormCommit } from "../../../images/reference-lms/src/runtime-state.ts";
import { extractZip, resolveInside, safeEntryPath } from "../../../images/reference-lms/src/unzip.ts";
import { parseStatementBatch } from "../../../images/reference-lms/src/xapi/statements.ts";
import { makeZip } from "./zip.ts";

describe("SCORM commit summaries", () => {
  it("reads scorm-again's common fields and the SCORM 1.2 cmi", () => {
    const summary = summariseScormCommit({
      completionStatus: "incomplete",
      successStatus: "unknown",
      score: { raw: 77 },
      runtimeData: {
        cmi: { suspend_data: "s", core: { lesson_location: "4", lesson_status: "incomplete" } },
      },
    });
    expect(summary).toEqual({
      completionStatus: "incomplete",
      successStatus: null,
      score: 77,
      state: { location: "4", suspendData: "s", lessonStatus: "incomplete" },
    });
  });

  it("reads scorm-again's flattened form", () => {
    const summary = summariseScormCommit({
      "cmi.core.lesson_location": "page-3",
      "cmi.core.lesson_status": "completed",
      "cmi.suspend_data": "s3",
    });
    expect(summary).toMatchObject({
      completionStatus: "completed",
      state: { location: "page-3", suspendData: "s3" },
    });
    summariseScormCommit({ "cmi.__proto__.polluted": "yes", "cmi.constructor.prototype.polluted": "yes" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("reads a bare SCORM 2004 cmi object", () => {
    const summary = summariseScormCommit({
      cmi: {
        completion_status: "completed",
        success_status: "passed",
        score: { raw: "9.5" },
        location: "p9",
      },
    });
    expect(summary).toMatchObject({
      completionStatus: "completed",
      successStatus: "passed",
      score: 9.5,
      state: { location: "p9" },
    });
  });
});

describe("xAPI statements", () => {
  const valid = {
    actor: { mbox: "mailto:a@b.c" },
    verb: { id: "http://adlnet.gov/expapi/verbs/completed" },
    object: { id: "http://x/y" },
  };

  const authority = { objectType: "Agent", account: { homePage: "http://lms", name: "lms" } };

  it("completes ids, stored and timestamp, and recognises voiding", () => {
    const now = new Date("2026-01-02T03:04:05.000Z");
    const [s, voiding] = parseStatementBatch(
      [
        valid,
        {
          ...valid,
          verb: { id: "http://adlnet.gov/expapi/verbs/voided" },
          object: { objectType: "StatementRef", id: "0b3e4a6c-1a2b-4c3d-8e9f-001122334455" },
        },
      ],
      { now, authority },
    );
    expect(s?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(s?.statement).toMatchObject({ stored: now.toISOString(), timestamp: now.toISOString() });
    expect(s?.activityId).toBe("http://x/y");
    expect(voiding?.voids).toBe("0b3e4a6c-1a2b-4c3d-8e9f-001122334455");
  });

  it("names the problem in a bad statement", () => {
    const now = new Date();
    expect(() =>
      parseStatementBatch([valid, { actor: valid.actor, object: {} }], { now, authority }),
    ).toThrow("statement 1: statement.verb is required");
    expect(() => parseStatementBatch({ ...valid, id: "nope" }, { now, authority })).toThrow(
      "statement.id is not a valid",
    );
    expect(() => parseStatementBatch([], { now, authority })).toThrow("the batch is empty");
  });

  it("keys agents by their identifier", () => {
    expect(agentKey({ mbox: "mailto:A@B.c" })).toBe("mbox:mailto:a@b.c");
    expect(agentKey({ account: { homePage: "http://h", name: "n" } })).toBe("account:http://h::n");
    expect(agentKey({ name: "no identifier" })).toBeUndefined();
  });
});

describe("AICC HACP data", () => {
  it("parses PutParam groups case-insensitively and maps statuses", () => {
    const put = parseAiccData(
      "[CORE]\r\nlesson_location = 12\r\nLesson_Status=F\r\nScore=40\r\n[Core_Lesson]\r\nline one\r\nline two\r\n",
    );
    expect(put.core).toEqual({ lessonLocation: "12", lessonStatus: "F", score: "40" });
    expect(put.coreLesson).toBe("line one\r\nline two");
    expect(aiccStatus("failed")).toEqual({ completion: "completed", success: "failed" });
    expect(aiccStatus("i,a")).toEqual({ completion: "incomplete", success: null });
    expect(getParamData({ studentId: "s1", studentName: "S", core: {}, coreLesson: "" })).toContain(
      "Lesson_Status=N\r\n",
    );
  });
});

describe("safe unzip", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "lms-unzip-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const caps = { maxEntries: 10, maxUncompressedBytes: 1000 };
  const unzip = async (name: string, entries: Parameters<typeof makeZip>[0], limits = caps) => {
    const zipPath = join(dir, `${name}.zip`);
    await writeFile(zipPath, makeZip(entries));
    return extractZip(zipPath, join(dir, name), limits);
  };

  it("extracts files and folders", async () => {
    expect(
      await unzip("ok", [
        { name: "a/", data: "", mode: 0o40755 },
        { name: "a/b.txt", data: "hello" },
      ]),
    ).toEqual({ files: 1, bytes: 5 });
    expect(await readFile(join(dir, "ok", "a", "b.txt"), "utf8")).toBe("hello");
  });

  it("refuses escapes, symlinks and oversize packages", async () => {
    await expect(unzip("up", [{ name: "../x.txt", data: "x" }])).rejects.toThrow("invalid relative path");
    await expect(unzip("abs", [{ name: "/etc/x", data: "x" }])).rejects.toThrow(
      /absolute path|absolute entry name/,
    );
    await expect(unzip("link", [{ name: "l", data: "/etc/passwd", mode: 0o120777 }])).rejects.toThrow(
      "symbolic link",
    );
    await expect(unzip("big", [{ name: "big.bin", data: "x".repeat(2000) }])).rejects.toThrow(
      "more than 1000 bytes",
    );
    await expect(
      unzip(
        "many",
        Array.from({ length: 11 }, (_, i) => ({ name: `f${i}`, data: "" })),
      ),
    ).rejects.toThrow("more than 10 entries");
  });

  it("names entries and request paths safely", () => {
    expect(safeEntryPath("./a//b.txt")).toBe("a/b.txt");
    expect(() => safeEntryPath("a\\b")).toThrow("unsafe entry name");
    expect(() => safeEntryPath("a/../../b")).toThrow("climbs out with '..'");
    expect(resolveInside("/srv/c", "x/y.html")).toBe("/srv/c/x/y.html");
    expect(resolveInside("/srv/c", "../d/secret")).toBeUndefined();
    expect(resolveInside("/srv/c", "x/../../c2/f")).toBeUndefined();
    expect(resolveInside("/srv/c", "a\0b")).toBeUndefined();
  });
});

describe("server configuration", () => {
  it("names each bad environment variable", async () => {
    const { loadConfig } = await import("../../../images/reference-lms/src/config.ts");
    expect(() => loadConfig({})).toThrow("DATABASE_URL");
    expect(() => loadConfig({ DATABASE_URL: "mysql://x" })).toThrow(
      "DATABASE_URL must look like postgres://",
    );
    expect(() => loadConfig({ DATABASE_URL: "postgres://a@b/c", ADMIN_USER: "admin" })).toThrow(
      "set both ADMIN_USER and ADMIN_PASSWORD",
    );
    expect(() =>
      loadConfig({ DATABASE_URL: "postgres://a@b/c", ADMIN_USER: "admin", ADMIN_PASSWORD: "short" }),
    ).toThrow("at least 8 characters");
    expect(loadConfig({ DATABASE_URL: "postgres://a@b/c" })).toMatchObject({
      port: 8080,
      dbPoolMax: 20,
      dataDir: "/var/lib/reference-lms",
    });
  });
});

describe("passwords", () => {
  it("hashes with scrypt and a fresh salt, and verifies only the right password", async () => {
    const [a, b] = [await hashPassword("correct horse"), await hashPassword("correct horse")];
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse", a)).toBe(true);
    expect(await verifyPassword("correct horsf", a)).toBe(false);
    expect(await verifyPassword("x", "md5$abc")).toBe(false);
  });
});
