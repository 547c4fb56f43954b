// The plainest load: one GET per iteration, as fast as the VUs go (npm run bench:loadtest races it against
// autocannon and Artillery). Run: npx sandbox loadtest --script loadtests/scenarios/plain-get.ts
//   --allow-host 127.0.0.1:8080 --env URL=http://127.0.0.1:8080/ --env VUS=20 --env REQUESTS=2000
import http from "k6/http";

export const options = {
  scenarios: {
    get: {
      executor: "shared-iterations",
      vus: Number(__ENV.VUS || 10),
      iterations: Number(__ENV.REQUESTS || 1000),
      maxDuration: __ENV.MAX_DURATION || "60s",
    },
  },
};

export default function () {
  http.get(__ENV.URL || "http://127.0.0.1:8080/");
}
