// A smoke test of a course's landing page and its API, in k6's shape: copy it and change it.
// Run: npx sandbox loadtest --script loadtests/scenarios/smoke.ts --allow-host 127.0.0.1:8080 --env BASE_URL=http://127.0.0.1:8080
import { check, group, sleep } from "k6";
import http from "k6/http";
import { Trend } from "k6/metrics";

const pageTime = new Trend("page_time", true);

export const options = {
  scenarios: {
    browse: { executor: "constant-vus", vus: 5, duration: "10s" },
    burst: {
      executor: "constant-arrival-rate",
      rate: 20,
      timeUnit: "1s",
      duration: "5s",
      startTime: "5s",
      preAllocatedVUs: 5,
      maxVUs: 20,
      exec: "api",
    },
  },
  thresholds: {
    http_req_failed: ["rate<0.01"],
    "http_req_duration{scenario:burst}": ["p(95)<500"],
    "checks{group:::landing}": ["rate==1"],
    page_time: ["p(90)<800"],
  },
};

export default function () {
  group("landing", () => {
    const res = http.get(`${__ENV.BASE_URL}/`, { tags: { name: "landing" } });
    check(res, { "landing is 200": (r) => r.status === 200 });
    pageTime.add(res.timings.duration);
  });
  sleep(1);
}

export function api() {
  const res = http.get(`${__ENV.BASE_URL}/api/health`, { tags: { name: "health" } });
  check(res, { "health answers": (r) => r.status === 200 });
}
