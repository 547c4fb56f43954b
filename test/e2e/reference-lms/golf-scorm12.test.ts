import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { projectRoot } from "../../../sandbox-cli/src/paths.ts";
import { describeRealCourses, realCourse } from "../../helpers/course-fixtures.ts";
import { LmsClient } from "../../integration/reference-lms/client.ts";
import { type LmsStack, startLmsStack } from "../../integration/reference-lms/stack.ts";

const ARTIFACTS = join(projectRoot, "test-artifacts", "reference-lms");

describeRealCourses("the real golf SCORM 1.2 course in Chromium", () => {
  let stack: LmsStack;
  let browser: BrowserContext;
  let profileDir: string;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    stack = await startLmsStack();
    const learners = new LmsClient(stack.baseUrl);
    await learners.login(stack.admin.username, stack.admin.password);
    await learners.request("POST", "/api/admin/learners", {
      json: { prefix: "golfer", count: 1, password: "golfer-pass" },
    });
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
    browser.setDefaultTimeout(60_000); // upper bound only: the machine may be busy with other suites
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

  async function committedRows(username: string, courseId: string, expected: number) {
    const query = `SELECT c.cmi, c.completion_status, a.state FROM commits c JOIN attempts a ON a.id = c.attempt_id
     JOIN users u ON u.id = a.user_id WHERE u.username = $1 AND a.course_id = $2 ORDER BY c.id`;
    for (let tries = 0; tries < 50; tries++) {
      const { rows } = await stack.db.query(query, [username, courseId]);
      if (rows.length >= expected) return rows;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return (await stack.db.query(query, [username, courseId])).rows;
  }

  it("an admin installs the SCORM 1.2 golf course; a learner launches it, the SCO commits and the rows are stored", async () => {
    const adminPage = await browser.newPage();
    await confineToLoopback(adminPage);
    await login(adminPage, stack.admin.username, stack.admin.password);
    await adminPage.setInputFiles('#install input[type="file"]', realCourse("singlescobasic.zip"));
    await adminPage.fill('#install input[name="id"]', "golf");
    await adminPage.click('#install button[type="submit"]');
    // The page reloads after a successful install. Intake reads every file: allow for a busy machine.
    await adminPage.waitForSelector('li.course[data-course-id="golf"]', { timeout: 120_000 });
    await adminPage.screenshot({ path: join(ARTIFACTS, "01-catalog-after-install.png") });

    await adminPage.click('header button[type="submit"]'); // log out
    await adminPage.waitForURL(/\/login/);

    const page = await browser.newPage();
    await confineToLoopback(page);
    page.on("dialog", (dialog) => void dialog.accept()); // "save your progress to resume later?" -> yes
    await login(page, "golfer1", "golfer-pass");
    await page.click('li.course[data-course-id="golf"] a.launch');
    await page.waitForSelector('#status:text-is("initialised")');
    const sco = page.frameLocator("#sco");
    await sco.locator("#butNext").click();
    await sco.locator("#butNext").click();
    await page.screenshot({ path: join(ARTIFACTS, "02-sco-page-3.png") });
    // An explicit LMSCommit from the SCO's window is a synchronous request: when it returns "true",
    // the row is already in the database.
    const scoFrame = page
      .frames()
      .find((frame) => frame.url().includes("/content/golf/shared/launchpage.html"));
    expect(scoFrame).toBeDefined();
    const committed = await scoFrame?.evaluate('parent.API.LMSCommit("")');
    expect(committed).toBe("true");
    const afterCommit = await stack.db.query(
      `SELECT c.cmi FROM commits c JOIN attempts a ON a.id = c.attempt_id JOIN users u ON u.id = a.user_id
     WHERE u.username = 'golfer1' AND a.course_id = 'golf'`,
    );
    expect(afterCommit.rows).toHaveLength(1);
    expect(afterCommit.rows[0].cmi.runtimeData.cmi.core.lesson_location).toBe("2");
    await sco.locator("#butExit").click();
    await page.waitForSelector('#status:text-is("finished")');
    await page.screenshot({ path: join(ARTIFACTS, "03-sco-finished.png") });

    // LMSFinish commits by sendBeacon (it must survive the page closing): wait, bounded, for the row.
    const rows = await committedRows("golfer1", "golf", 2);
    expect(rows).toHaveLength(2);
    const last = rows[rows.length - 1];
    const core = last.cmi.runtimeData.cmi.core;
    expect(core).toMatchObject({
      student_id: "golfer1",
      lesson_location: "2",
      lesson_status: "incomplete",
      exit: "suspend",
    });
    expect(last.completion_status).toBe("incomplete");
    expect(last.state).toMatchObject({ location: "2", lessonStatus: "incomplete" });

    // A second launch (tagged with a load-run id) resumes at the bookmark that was committed.
    await page.goto(`${stack.baseUrl}/launch/golf?launch=item_1&run=browser-run-1`);
    await page.waitForSelector('#status:text-is("initialised")');
    const resumed = await page.evaluate('API.LMSGetValue("cmi.core.lesson_location")');
    expect(resumed).toBe("2");
    expect(await page.evaluate('API.LMSCommit("")')).toBe("true");
    const tagged = await stack.db.query(
      "SELECT count(*)::int AS n FROM commits WHERE load_run = 'browser-run-1'",
    );
    expect(tagged.rows[0].n).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, "04-sco-resumed.png") });
    await page.close();
    await adminPage.close();
  }, 300_000);
});
