import { describe, expect, it } from "vitest";
import type { OutageWindow } from "../../../sandbox-cli/src/loadtest/result-schema.ts";
import { buildReport, renderHtml, renderMarkdown } from "../../../sandbox-cli/src/report/index.ts";
import { reportSchema } from "../../../sandbox-cli/src/report/schema.ts";
import { fixtureInput } from "./fixture.ts";

const lmsOutage: OutageWindow = {
  scenario: "learner-journey",
  startS: 21.4,
  recoveredS: 27.9,
  timeToRecoverS: 6.5,
  lastFailureS: 27.1,
  failedRequests: 42,
  failedIterations: 7,
};

async function reportWith(outages: OutageWindow[] | undefined) {
  const input = await fixtureInput();
  if (!input.load) throw new Error("the fixture has no load run");
  if (outages) input.load.outages = outages;
  else delete input.load.outages;
  return buildReport(input);
}

describe("the report shows the outage windows of the load test", () => {
  it("keeps each window in report.json and renders it in html and md", async () => {
    const report = await reportWith([
      lmsOutage,
      { ...lmsOutage, scenario: "hls-viewer", startS: 50, recoveredS: null, timeToRecoverS: null },
    ]);
    expect(reportSchema.parse(JSON.parse(JSON.stringify(report))).load?.outages).toEqual([
      lmsOutage,
      expect.objectContaining({ scenario: "hls-viewer", recoveredS: null }),
    ]);
    const md = renderMarkdown(report);
    expect(md).toContain("### Outages during the load test");
    expect(md).toMatch(/\| LMS \(learner journeys\) +\| 21\.4 s +\| 27\.9 s +\| 6\.5 s +\| 42 +\| 7 +\|/);
    expect(md).toMatch(
      /\| media server \(video viewers\) +\| 50 s +\| not recovered by the end of the run +\| did not recover +\|/,
    );
    const html = await renderHtml(report);
    expect(html).toContain('<table data-testid="outages">');
    expect(html).toContain(
      "<tr><td>LMS (learner journeys)</td><td>21.4 s</td><td>27.9 s</td><td>6.5 s</td><td>42</td><td>7</td></tr>",
    );
  });

  it("says there was none when the run measured them and none happened", async () => {
    const report = await reportWith([]);
    expect(renderMarkdown(report)).toContain("No outage: the learners' requests never kept failing.");
    expect(await renderHtml(report)).toContain("No outage: the learners&#39; requests never kept failing.");
  });

  it("leaves the section out for a load result written before outages were measured", async () => {
    const report = await reportWith(undefined);
    expect(report.load).not.toHaveProperty("outages");
    expect(renderMarkdown(report)).not.toContain("Outages during the load test");
  });
});
