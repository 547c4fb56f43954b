/** Server-rendered pages: plain HTML, every interpolated value escaped. */

export const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

/** JSON safe to embed in a <script type="application/json"> element. */
export const embedJson = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

const layout = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} - Reference LMS</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/assets/lms.css"></head>
<body>${body}</body></html>`;

export function loginPage(next: string, failed: boolean): string {
  return layout(
    "Log in",
    `<main class="narrow"><h1>Reference LMS</h1>
${failed ? '<p class="error" role="alert">Wrong username or password.</p>' : ""}
<form method="post" action="/login">
<input type="hidden" name="next" value="${escapeHtml(next)}">
<label>Username <input name="username" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Log in</button></form></main>`,
  );
}

export interface CatalogEntry {
  readonly id: string;
  readonly title: string;
  readonly format: string;
  readonly launches: readonly { id: string; title: string }[];
}

export function catalogPage(username: string, admin: boolean, courses: readonly CatalogEntry[]): string {
  const rows = courses
    .map(
      (
        course,
      ) => `<li class="course" data-course-id="${escapeHtml(course.id)}"><h2>${escapeHtml(course.title)}</h2>
<span class="format">${escapeHtml(course.format)}</span><ul>${course.launches
        .map(
          (launch) =>
            `<li><a class="launch" href="/launch/${encodeURIComponent(course.id)}?launch=${encodeURIComponent(launch.id)}">Launch ${escapeHtml(launch.title)}</a></li>`,
        )
        .join("")}</ul></li>`,
    )
    .join("\n");
  const install = admin
    ? `<section><h2>Install a course</h2><form id="install"><input type="file" name="package" accept=".zip,application/zip" required>
<input name="id" placeholder="course id (optional)" pattern="[a-z0-9][a-z0-9-]{0,62}">
<button type="submit" disabled>Install</button></form><pre id="install-result" aria-live="polite"></pre>
<script src="/assets/install.js" defer></script></section>`
    : "";
  return layout(
    "Catalog",
    `<header><span>Logged in as <strong id="username">${escapeHtml(username)}</strong></span>
<form method="post" action="/logout"><button type="submit">Log out</button></form></header>
<main><h1>Course catalog</h1>${courses.length ? `<ul class="catalog">${rows}</ul>` : "<p>No course is installed yet.</p>"}
${install}</main>`,
  );
}

/** The SCORM launch page: scorm-again provides the runtime API, the SCO runs in the frame. */
export function scormLaunchPage(title: string, config: unknown, version: "1.2" | "2004"): string {
  const library = version === "1.2" ? "/assets/scorm12.min.js" : "/assets/scorm2004.min.js";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} - Reference LMS</title>
<link rel="stylesheet" href="/assets/lms.css"></head>
<body class="player"><header><a href="/">Catalog</a> <span>${escapeHtml(title)}</span> <span id="status" aria-live="polite"></span></header>
<iframe id="sco" title="${escapeHtml(title)}"></iframe>
<script type="application/json" id="launch-config">${embedJson(config)}</script>
<script src="${library}"></script><script src="/assets/scorm-launch.js"></script></body></html>`;
}
