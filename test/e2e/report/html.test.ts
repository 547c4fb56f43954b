import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../../sandbox-cli/src/paths.ts";
import { buildReport, readRunDir, renderHtml } from "../../../sandbox-cli/src/report/index.ts";

const artifacts = join(projectRoot, "test-artifacts", "report");
const fixtureRun = join(projectRoot, "test", "fixtures", "report", "run-conditions");
const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

interface PageVisit {
  requested: string[];
  blocked: string[];
  consoleErrors: string[];
  verdictText: string;
  verdictVisible: boolean;
  chartIds: string[];
  chartsWithMarks: number;
}

let userDataDir: string;

beforeAll(async () => {
  await mkdir(artifacts, { recursive: true });
  userDataDir = await mkdtemp(join(tmpdir(), "sandbox-report-chromium-"));
});

afterAll(async () => {
  await rm(userDataDir, { recursive: true, force: true });
});

/** Opens the page offline: every request that is not the file itself is aborted and recorded. */
async function visit(htmlPath: string, screenshot: string, media: "screen" | "print"): Promise<PageVisit> {
  const fileUrl = pathToFileURL(htmlPath).href;
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: chromiumArgs,
    viewport: { width: 1200, height: 900 },
    offline: true,
  });
  const visitResult: PageVisit = {
    requested: [],
    blocked: [],
    consoleErrors: [],
    verdictText: "",
    verdictVisible: false,
    chartIds: [],
    chartsWithMarks: 0,
  };
  try {
    const page = await context.newPage();
    page.on("request", (request) => visitResult.requested.push(request.url()));
    page.on("console", (message) => {
      if (message.type() === "error") visitResult.consoleErrors.push(message.text());
    });
    page.on("pageerror", (error) => visitResult.consoleErrors.push(error.message));
    await context.route("**/*", async (route) => {
      if (route.request().url() === fileUrl) return route.continue();
      visitResult.blocked.push(route.request().url());
      return route.abort("blockedbyclient");
    });
    await page.emulateMedia({ media });
    await page.goto(fileUrl, { waitUntil: "load" });
    const verdict = page.getByTestId("verdict");
    visitResult.verdictVisible = await verdict.isVisible();
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a reader sees
    visitResult.verdictText = await verdict.innerText();
    visitResult.chartIds = await page
      .locator("figure.chart")
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute("data-chart") ?? ""));
    visitResult.chartsWithMarks = await page
      .locator("figure.chart svg")
      .evaluateAll(
        (nodes) => nodes.filter((n) => n.querySelectorAll("path, rect, line, circle").length > 5).length,
      );
    await page.screenshot({ path: screenshot, fullPage: true });
  } finally {
    await context.close();
  }
  return visitResult;
}

describe("report.html in headless Chromium", () => {
  it("shows the verdict and every chart, offline, with no console error", async () => {
    const report = buildReport(await readRunDir(fixtureRun, "2026-11-29T18:00:00.000Z"));
    const htmlPath = join(artifacts, "report.html");
    await writeFile(htmlPath, await renderHtml(report));

    const screen = await visit(htmlPath, join(artifacts, "report-screen.png"), "screen");
    expect(screen.consoleErrors).toEqual([]);
    expect(screen.blocked).toEqual([]);
    expect(screen.requested).toEqual([pathToFileURL(htmlPath).href]);
    expect(screen.verdictVisible).toBe(true);
    expect(screen.verdictText).toContain("PROMOTE WITH CONDITIONS");
    expect(screen.chartIds).toEqual(["learners-latency", "throughput", "capacity", "cpu", "memory"]);
    expect(screen.chartsWithMarks).toBe(5);

    const print = await visit(htmlPath, join(artifacts, "report-print.png"), "print");
    expect(print.consoleErrors).toEqual([]);
    expect(print.blocked).toEqual([]);
    expect(print.verdictVisible).toBe(true);
    expect(print.chartsWithMarks).toBe(5);
  }, 90_000);
});
