import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { validateXML } from "xmllint-wasm";
import { chartSpecs, limitOf, renderChartSvg } from "../../../sandbox-cli/src/report/charts.ts";
import {
  buildReport,
  type Report,
  renderHtml,
  renderJunit,
  renderMarkdown,
} from "../../../sandbox-cli/src/report/index.ts";
import { fixtureInput, junitXsdPath } from "./fixture.ts";

async function validateJunit(xml: string) {
  const schema = await readFile(junitXsdPath, "utf8");
  return validateXML({
    xml: [{ fileName: "junit.xml", contents: xml }],
    schema: [{ fileName: "junit-10.xsd", contents: schema }],
  });
}

/** The fixture with a mandatory policy failure, a failed threshold and a site far over capacity. */
async function rejectedReport(): Promise<Report> {
  const input = await fixtureInput();
  const policy = [
    ...input.policy,
    {
      rule: "no-root",
      enforcement: "mandatory" as const,
      ok: false,
      message: 'lms runs as root <uid 0> & "privileged"',
    },
  ];
  const load = structuredClone(input.load);
  if (!load?.thresholds[0] || !input.capacity?.sites[2]) throw new Error("fixture changed");
  load.thresholds[0] = { ...load.thresholds[0], observed: 1240, ok: false };
  load.passed = false;
  const capacity = structuredClone(input.capacity);
  const sites = input.sites.map((s) => (s.name === "branch-north" ? { ...s, learners: 40 } : s));
  return buildReport({ ...input, policy, load, capacity, sites });
}

describe("report.md", () => {
  it("matches the reviewed snapshot of the fixture report", async () => {
    const report = buildReport(await fixtureInput());
    await expect(renderMarkdown(report)).toMatchFileSnapshot("__snapshots__/fixture-report.md");
  });

  it("puts the verdict first and escapes table cells", async () => {
    const md = renderMarkdown(await rejectedReport());
    expect(md.split("\n").slice(0, 3).join("\n")).toContain("**Verdict: REJECT** (`sandbox nightly` exit 1)");
    expect(md).toContain("| **blocks** |");
    const input = await fixtureInput();
    const piped = buildReport({
      ...input,
      policy: [{ rule: "a|b", enforcement: "advisory", ok: false, message: "x | y\nz" }],
    });
    expect(renderMarkdown(piped)).toMatch(/\| a\\\|b +\| advisory +\| condition +\| x \\\| y<br>z +\|/);
  });
});

describe("junit.xml", () => {
  it("validates against the JUnit XSD and has one testcase per threshold, policy rule and site", async () => {
    const report = buildReport(await fixtureInput());
    const xml = renderJunit(report);
    const result = await validateJunit(xml);
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
    expect(xml.match(/<testcase /g)?.length).toBe(
      report.thresholds.length + report.policy.length + report.sites.length,
    );
    expect(xml).toContain('failures="0"');
    expect(xml).toContain("condition: the 25 learners at site lyon fit only if the video plays at 360p");
  });

  it("reports REJECT reasons as failures, escaped, and still validates", async () => {
    const report = await rejectedReport();
    const xml = renderJunit(report);
    const result = await validateJunit(xml);
    expect(result.errors).toEqual([]);
    const tests = report.thresholds.length + report.policy.length + report.sites.length;
    expect(xml).toContain(
      `<testsuites name="promotion report exec-compliance: REJECT" tests="${tests}" failures="3"`,
    );
    expect(xml).toContain('message="lms runs as root &lt;uid 0&gt; &amp; &quot;privileged&quot;"');
    expect(xml).toContain('<failure type="site-over-capacity" message="40 expected, capacity 5">');
  });

  it("the schema check can fail: a testcase without a name is rejected", async () => {
    const broken = renderJunit(buildReport(await fixtureInput())).replace(
      /<testcase name="[^"]*"/,
      "<testcase",
    );
    const result = await validateJunit(broken);
    expect(result.valid).toBe(false);
    expect(result.errors[0]?.message).toContain("name");
  });
});

describe("report.html", () => {
  it("is one self-contained file: inline SVG charts, no script, nothing fetched", async () => {
    const html = await renderHtml(buildReport(await fixtureInput()));
    expect(html).toContain('<section class="verdict conditions" data-testid="verdict">');
    expect(html.match(/<figure class="chart"/g)?.length).toBe(5);
    expect(html.match(/<svg /g)?.length).toBe(5);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|url\((?!#)|@import/i);
    // URLs appear only as XML namespaces of the SVGs and as text (a finding quotes the course's host)
    const attributesWithUrls = [...html.matchAll(/\s([\w:-]+)="[^"]*https?:/g)].map((m) => m[1]);
    expect(new Set(attributesWithUrls)).toEqual(new Set(["xmlns", "xmlns:xlink"]));
    expect(html).toContain("default-src 'none'");
    // ids are scoped per chart, so clip paths never point into another chart
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("escapes text that came from the inputs", async () => {
    const html = await renderHtml(await rejectedReport());
    expect(html).toContain("lms runs as root &lt;uid 0&gt; &amp; &quot;privileged&quot;");
    expect(html).not.toContain("<uid 0>");
    expect(html).toContain('<section class="verdict reject"');
  });
});

describe("charts", () => {
  it("reads the limit from a threshold expression", () => {
    expect(limitOf("p(95)<800")).toBe(800);
    expect(limitOf("rate<0.01")).toBe(0.01);
    expect(limitOf("avg>=12.5")).toBe(12.5);
    expect(limitOf("count")).toBeNull();
  });

  it("draws only the charts it has data for", async () => {
    const report = buildReport({ ...(await fixtureInput()), load: null });
    expect(chartSpecs(report).map((c) => c.id)).toEqual(["capacity"]);
  });

  it("draws one CPU and memory line per container, not per role (the LMS and its proxy differ)", async () => {
    const input = await fixtureInput();
    const load = input.load as NonNullable<typeof input.load>;
    const lms = load.resources.find((r) =>
      r.container.endsWith("reference-lms"),
    ) as (typeof load.resources)[number];
    load.resources.push({
      ...structuredClone(lms),
      container: lms.container.replace(/reference-lms$/, "lms-proxy"),
    });
    const charts = chartSpecs(buildReport(input));
    for (const id of ["cpu", "memory"]) {
      const spec = charts.find((c) => c.id === id)?.spec as unknown as {
        data: { values: { container: string }[] };
      };
      expect(new Set(spec.data.values.map((v) => v.container))).toEqual(
        new Set(["reference-lms (app)", "lms-proxy (app)", "postgres (database)", "media-nginx (app)"]),
      );
    }
  });

  it("renders a chart to SVG headless with its marks and labels", async () => {
    const [capacity] = chartSpecs(buildReport({ ...(await fixtureInput()), load: null }));
    const svg = await renderChartSvg(capacity?.spec ?? ({} as never));
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("branch-north");
    expect(svg).toContain("learners at once");
  });

  it("refuses to fetch data while rendering", async () => {
    await expect(
      renderChartSvg({
        data: { url: "http://127.0.0.1:9/data.json" },
        mark: "point",
        encoding: { x: { field: "a", type: "quantitative" } },
      }),
    ).rejects.toThrow(/refusing to load/);
  });
});
