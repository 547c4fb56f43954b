// The learner journey as a script (the built-in learner-journey scenario in k6's shape), against the reference
// LMS API (images/reference-lms/API.md): log in, list the catalog, launch the course, open its content, send
// SCORM commits at the commit interval, complete, log out. Learner accounts load-learner-1..N must exist.
// Run: npx sandbox loadtest --script loadtests/scenarios/learner-journey.ts --spec sandbox.yaml \
//        --env LMS_URL=http://127.0.0.1:PORT --env COURSE_ID=ID --env PASSWORD=... --env LEARNERS=10
import { check, group, sleep } from "k6";
import http from "k6/http";
import { Counter } from "k6/metrics";

const commits = new Counter("lms_commits_sent");
const learners = Number(__ENV.LEARNERS ?? 5);

export const options = {
  scenarios: {
    learners: {
      executor: "ramping-vus",
      startVUs: 0,
      stages: [
        { duration: __ENV.RAMP ?? "10s", target: learners },
        { duration: __ENV.DURATION ?? "60s", target: learners },
      ],
      gracefulRampDown: "10s",
    },
  },
  thresholds: {
    "http_req_duration{name:lms_commit}": ["p(95)<800"],
    http_req_failed: ["rate<0.01"],
    "checks{group:::launch}": ["rate>0.99"],
  },
};

const json = { "Content-Type": "application/json" };
const think = () => sleep(1 + 2 * Math.random());

interface Launch {
  contentUrl: string;
  scorm?: { version: "1.2" | "2004"; commitUrl: string };
}

function commit(url: string, version: "1.2" | "2004", sequence: number, complete: boolean) {
  const status = complete ? "completed" : "incomplete";
  const cmi =
    version === "1.2"
      ? { "cmi.core.lesson_location": `page-${sequence}`, "cmi.core.lesson_status": status }
      : { "cmi.location": `page-${sequence}`, "cmi.completion_status": status };
  const res = http.post(url, JSON.stringify(cmi), { headers: json, tags: { name: "lms_commit" } });
  if (check(res, { "commit stored": (r) => r.status === 200 })) commits.add(1);
}

export default function () {
  const base = String(__ENV.LMS_URL);
  const login = http.post(
    `${base}/api/login`,
    JSON.stringify({ username: `load-learner-${__VU}`, password: __ENV.PASSWORD }),
    { headers: json, tags: { name: "lms_login" } },
  );
  if (!check(login, { "login 200": (r) => r.status === 200 })) return sleep(2);
  think();
  const catalog = http.get(`${base}/api/courses`, { tags: { name: "lms_catalog" } });
  check(catalog, { "catalog lists the course": (r) => String(r.body).includes(String(__ENV.COURSE_ID)) });
  think();
  let launch: Launch | undefined;
  group("launch", () => {
    const launched = http.post(`${base}/api/courses/${__ENV.COURSE_ID}/launch`, "{}", {
      headers: json,
      tags: { name: "lms_launch" },
    });
    launch = launched.status === 200 ? (launched.json("launch") as unknown as Launch) : undefined;
    check(launched, { "launch gives a SCORM session": () => launch?.scorm !== undefined });
  });
  if (!launch?.scorm) return sleep(2);
  http.get(`${base}${launch.contentUrl}`, { tags: { name: "lms_content" } });
  const intervalS = Number(__ENV.COMMIT_INTERVAL_S ?? 10);
  const sessions = Number(__ENV.COMMITS ?? 3);
  for (let sequence = 1; sequence <= sessions; sequence++) {
    sleep(intervalS * (0.8 + 0.4 * Math.random()));
    commit(`${base}${launch.scorm.commitUrl}`, launch.scorm.version, sequence, false);
  }
  commit(`${base}${launch.scorm.commitUrl}`, launch.scorm.version, sessions + 1, true);
  http.post(`${base}/api/logout`, null, { tags: { name: "lms_logout" } });
}
