import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { projectRoot } from "../../../sandbox-cli/src/paths.ts";
import { FIXTURES, LmsClient } from "../../integration/reference-lms/client.ts";
import { type LmsStack, startLmsStack } from "../../integration/reference-lms/stack.ts";

const ARTIFACTS = join(projectRoot, "test-artifacts", "reference-lms");

let stack: LmsStack;
let browser: BrowserContext;
let profileDir: string;

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  stack = await startLmsStack();
  const learners = new LmsClient(stack.baseUrl);
  await learners.login(stack.admin.username, stack.admin.password);
  await learners.request("POST", "/api/admin/learners", { json: { prefix: "golfer", count: 1, password: "golfer-pass" } });
  profileDir = await mkdtemp(join(tmpdir(), "lms-e2e-chromium-"));
  // A fresh profile per run: playwright passes it to Chromium as --user-data-dir.
  browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (profileDir) await rm(profileDir, { recursive: true, force: true });
});

async function login(page: Page, username: string, password: string) {
  await page.goto(`${stack.baseUrl}/`);
  await page.waitForURL(/\/login/);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await page.click('button[type="submit"]');
  await page.waitForSelector("#username");
}

// Course pages link to external hosts; the browser must send nothing beyond the sandbox.
async function confineToLoopback(page: Page) {
  await page.route("**/*", (route) => {
    const host = new URL(route.request().url()).hostname;
    return host === "127.0.0.1" ? route.continue() : route.abort();
  });
}

it("an admin installs the SCORM 1.2 golf course; a learner launches it, the SCO commits and the rows are stored", async () => {
  const adminPage = await browser.newPage();
  await confineToLoopback(adminPage);
  await login(adminPage, stack.admin.username, stack.admin.password);
  await adminPage.setInputFiles('#install input[type="file"]', join(FIXTURES, "singlescobasic.zip"));
  await adminPage.fill('#install input[name="id"]', "golf");
  await adminPage.click('#install button[type="submit"]');
  await adminPage.waitForSelector('li.course[data-course-id="golf"]');
  await adminPage.screenshot({ path: join(ARTIFACTS, "01-catalog-after-install.png") });

  await adminPage.click('header button[type="submit"]'); // log out
  await adminPage.waitForURL(/\/login/);

  const page = await browser.newPage();
  await confineToLoopback(page);
  page.on("dialog", (dialog) => void dialog.accept()); // "save your progress to resume later?" -> yes
  await login(page, "golfer1", "golfer-pass");
  await page.click('li.course[data-course-id="golf"] a.launch');
  await page.waitForFunction(() => document.getElementById("status")?.textContent === "initialised");
  const sco = page.frameLocator("#sco");
  await sco.locator("#butNext").click();
  await sco.locator("#butNext").click();
  await page.screenshot({ path: join(ARTIFACTS, "02-sco-page-3.png") });
  await sco.locator("#butExit").click();
  await page.waitForFunction(() => document.getElementById("status")?.textContent === "finished");
  await page.screenshot({ path: join(ARTIFACTS, "03-sco-finished.png") });

  const { rows } = await stack.db.query(
    `SELECT c.cmi, c.completion_status, a.state FROM commits c JOIN attempts a ON a.id = c.attempt_id
     JOIN users u ON u.id = a.user_id WHERE u.username = 'golfer1' AND a.course_id = 'golf' ORDER BY c.id`,
  );
  expect(rows.length).toBeGreaterThanOrEqual(1);
  const last = rows[rows.length - 1];
  const core = last.cmi.runtimeData.cmi.core;
  expect(core).toMatchObject({ student_id: "golfer1", lesson_location: "2", lesson_status: "incomplete", exit: "suspend" });
  expect(last.completion_status).toBe("incomplete");
  expect(last.state).toMatchObject({ location: "2", lessonStatus: "incomplete" });

  // A second launch resumes at the bookmark that was committed.
  await page.goto(`${stack.baseUrl}/`);
  await page.click('li.course[data-course-id="golf"] a.launch');
  await page.waitForFunction(() => document.getElementById("status")?.textContent === "initialised");
  const resumed = await page.evaluate(() => (window as unknown as { API: { LMSGetValue(e: string): string } }).API.LMSGetValue("cmi.core.lesson_location"));
  expect(resumed).toBe("2");
  await page.screenshot({ path: join(ARTIFACTS, "04-sco-resumed.png") });
  await page.close();
  await adminPage.close();
}, 120_000);
