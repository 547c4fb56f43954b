import { describe, expect, it } from "vitest";
import { parseDebianMirrors } from "../../../sandbox-cli/src/setup/debian-mirror.ts";

describe("parseDebianMirrors", () => {
  it("reads deb822 sources with a security stanza", () => {
    const text = [
      "Types: deb\nURIs: http://mirror.example/debian/\nSuites: bookworm bookworm-updates\nComponents: main",
      "Types: deb\nURIs: http://mirror.example/debian-security\nSuites: bookworm-security\nComponents: main",
    ].join("\n\n");
    expect(parseDebianMirrors([text])).toEqual({
      main: "http://mirror.example/debian",
      security: "http://mirror.example/debian-security",
    });
  });

  it("reads one-line sources.list entries and skips non-Debian repositories", () => {
    const list =
      "deb https://packages.example.com/apt cloud-sdk main\ndeb [arch=amd64] http://ftp.example.org/debian bookworm main";
    expect(parseDebianMirrors([list])).toEqual({ main: "http://ftp.example.org/debian" });
  });

  it("falls back to deb.debian.org when nothing usable is configured", () => {
    expect(parseDebianMirrors(["# nothing here"]).main).toBe("http://deb.debian.org/debian");
  });
});
