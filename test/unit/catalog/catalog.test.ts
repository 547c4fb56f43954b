import { describe, expect, it } from "vitest";
import {
  CatalogLookupError,
  catalog,
  exposedPorts,
  listCandidates,
  planCandidates,
  renderEnv,
  renderTemplate,
  templateProblems,
} from "../../../stacks/catalog/index.ts";
import { catalogEntrySchema } from "../../../stacks/catalog/schema.ts";

describe("catalog", () => {
  it("validates every entry and lists the candidates a spec may name", () => {
    expect(catalog().length).toBeGreaterThanOrEqual(4);
    expect(listCandidates().map((entry) => entry.id)).toEqual([
      "reference-lms",
      "media-nginx",
      "media-caddy",
      "media-httpd",
    ]);
    expect(listCandidates({ kind: "media" }).map((entry) => entry.id)).toEqual([
      "media-nginx",
      "media-caddy",
      "media-httpd",
    ]);
    expect(listCandidates({ includeDependencyOnly: true }).map((entry) => entry.id)).toContain("postgres");
  });

  it("gives every entry resource limits and a health probe", () => {
    for (const entry of catalog()) {
      expect(entry.resources.cpu).toBeGreaterThan(0);
      expect(entry.resources.memoryMb).toBeGreaterThan(0);
      expect(entry.health.port).toBeGreaterThan(0);
    }
  });

  it("rejects an entry with a bad id or no ports", () => {
    const bad = catalogEntrySchema.safeParse({ ...catalog()[0], id: "Bad_Id", ports: [] });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toMatch(/must be 2-40 characters/);
  });

  it("reports placeholders that reference undeclared secrets or dependencies", () => {
    const [lms] = catalog();
    if (!lms) throw new Error("empty catalog");
    const broken = { ...lms, env: { X: "{{secret:nope}}", Y: "{{dep:cache.host}}" } };
    expect(templateProblems(broken, catalog())).toEqual([
      "reference-lms: env.X uses unknown placeholder {{secret:nope}}",
      "reference-lms: env.Y uses unknown placeholder {{dep:cache.host}}",
    ]);
  });
});

describe("planCandidates", () => {
  it("expands the reference LMS into its database and app, with qualified volumes", () => {
    const [lms] = planCandidates([{ catalog: "reference-lms" }]);
    expect(lms?.instances.map((instance) => [instance.name, instance.role])).toEqual([
      ["reference-lms-database", "database"],
      ["reference-lms", "app"],
    ]);
    const app = lms?.instances[1];
    expect(app?.dependsOn).toEqual(["reference-lms-database"]);
    expect(app?.volumes[0]?.name).toBe("reference-lms-courses");
    expect(lms?.instances[0]?.env.POSTGRES_PASSWORD).toBe("{{secret:dbPassword}}");
  });

  it("names the known ids when a candidate is unknown or dependency-only", () => {
    expect(() => planCandidates([{ catalog: "wordpress" }])).toThrow(CatalogLookupError);
    expect(() => planCandidates([{ catalog: "postgres" }])).toThrow(
      /unknown catalog id "postgres"; known ids: reference-lms, media-nginx, media-caddy, media-httpd/,
    );
  });

  it("lists exposed ports of app instances only", () => {
    const plan = planCandidates([{ catalog: "reference-lms" }, { catalog: "media-nginx" }]);
    expect(exposedPorts(plan).map((port) => port.key)).toEqual(["reference-lms/http", "media-nginx/http"]);
  });
});

describe("renderTemplate", () => {
  const context = {
    secrets: { dbPassword: "s3cret" },
    deps: { database: { host: "lms-database", port: 5432 } },
    self: { host: "127.0.0.1:20001", url: "http://127.0.0.1:20001" },
  };
  it("resolves secrets, dependencies and self", () => {
    expect(
      renderEnv(
        {
          URL: "postgres://u:{{secret:dbPassword}}@{{dep:database.host}}:{{dep:database.port}}/x",
          P: "{{self.url}}",
        },
        context,
      ),
    ).toEqual({
      URL: "postgres://u:s3cret@lms-database:5432/x",
      P: "http://127.0.0.1:20001",
    });
  });
  it("names an unknown placeholder", () => {
    expect(() => renderTemplate("{{secret:other}}", context)).toThrow(
      'unknown placeholder {{secret:other}} in "{{secret:other}}"',
    );
  });
});
