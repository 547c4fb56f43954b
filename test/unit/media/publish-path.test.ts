import { describe, expect, it } from "vitest";
import { SandboxError } from "../../../sandbox-cli/src/errors.ts";
import { checkContainerPath } from "../../../sandbox-cli/src/media/publish.ts";

describe("checkContainerPath", () => {
  it("normalises an absolute path", () => {
    expect(checkContainerPath("/srv/media//sox/")).toBe("/srv/media/sox");
  });

  it.each([
    ["srv/media", /must be absolute/],
    ["/srv/../etc", /must not contain "\.\."/],
    ["/", /root folder/],
  ])("refuses %s", (path, message) => {
    let caught: unknown;
    try {
      checkContainerPath(path);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SandboxError);
    const error = caught as SandboxError;
    expect(error.code).toBe("PUBLISH_PATH_INVALID");
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(message);
    expect(error.hint).toContain("/srv/media/sox-essentials");
  });
});
