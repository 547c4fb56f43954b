// The HLS viewer as a script (the built-in hls-viewer scenario's model, in k6's shape): the master playlist,
// a rendition for the learner's link, then segments at playback pace with a startup and a maximum buffer.
// Run: npx sandbox loadtest --script loadtests/scenarios/hls-viewer.ts --spec sandbox.yaml \
//        --env MASTER_URL=http://127.0.0.1:PORT/media/COURSE/master.m3u8 --env VIEWERS=8 --env DURATION=60s
import { check, sleep } from "k6";
import http from "k6/http";
import { Counter, Trend } from "k6/metrics";
import { isMasterPlaylist, parseMaster, parseMedia, pickVariant, type Variant } from "../lib/hls/index.ts";

const ttff = new Trend("hls_time_to_first_frame", true);
const segmentTime = new Trend("hls_segment_fetch_time", true);
const segmentRatio = new Trend("hls_segment_fetch_ratio");
const rebufferRatio = new Trend("hls_rebuffer_ratio");
const rebuffers = new Counter("hls_rebuffer_events");

export const options = {
  scenarios: {
    viewers: {
      executor: "ramping-vus",
      startVUs: 0,
      stages: [
        { duration: __ENV.RAMP ?? "5s", target: Number(__ENV.VIEWERS ?? 5) },
        { duration: __ENV.DURATION ?? "30s", target: Number(__ENV.VIEWERS ?? 5) },
      ],
      gracefulRampDown: "5s",
      gracefulStop: "5s",
    },
  },
  thresholds: {
    hls_segment_fetch_ratio: ["p(95)<1"],
    hls_rebuffer_ratio: ["avg<0.02"],
    "checks{check:segment 200}": ["rate>0.99"],
  },
};

/** A playlist URI against the playlist's own URL (absolute URIs stay as they are: the interlock judges them). */
const resolve = (uri: string, base: string) =>
  /^[a-z]+:\/\//i.test(uri)
    ? uri
    : uri.startsWith("/")
      ? base.replace(/^([a-z]+:\/\/[^/]+).*$/i, "$1") + uri
      : base.replace(/[^/]*$/, "") + uri;

export default function () {
  const masterUrl = String(__ENV.MASTER_URL);
  const started = Date.now();
  const master = http.get(masterUrl, { tags: { name: "hls_master" } });
  if (!check(master, { "master 200": (r) => r.status === 200 })) return sleep(1);
  const text = String(master.body);
  const variants: Variant[] = isMasterPlaylist(text)
    ? parseMaster(text)
    : [{ bandwidthBps: 0, uri: masterUrl }];
  const kbps = __ENV.BANDWIDTH_KBPS ? Number(__ENV.BANDWIDTH_KBPS) : undefined;
  const mediaUrl = resolve((variants[pickVariant(variants, kbps)] as Variant).uri, masterUrl);
  const mediaRes = mediaUrl === masterUrl ? master : http.get(mediaUrl, { tags: { name: "hls_media" } });
  if (!check(mediaRes, { "media 200": (r) => r.status === 200 })) return sleep(1);
  const media = parseMedia(String(mediaRes.body));
  const maxBufferS = 3 * media.targetDurationS;
  let downloadedS = 0;
  let playingSince = 0;
  let stalledS = 0;
  for (const segment of media.segments) {
    if (playingSince) {
      const aheadS = downloadedS - ((Date.now() - playingSince) / 1000 - stalledS);
      if (aheadS + segment.durationS > maxBufferS) sleep(aheadS + segment.durationS - maxBufferS);
    }
    const t0 = Date.now();
    const res = http.get(resolve(segment.uri, mediaUrl), {
      tags: { name: "hls_segment" },
      responseType: "none",
    });
    const fetchMs = Date.now() - t0;
    if (!check(res, { "segment 200": (r) => r.status === 200 })) continue;
    segmentTime.add(fetchMs);
    segmentRatio.add(fetchMs / (segment.durationS * 1000));
    if (playingSince) {
      const aheadS = downloadedS - ((Date.now() - playingSince) / 1000 - stalledS);
      if (aheadS < 0) {
        rebuffers.add(1);
        stalledS += -aheadS;
      }
    }
    downloadedS += segment.durationS;
    if (!playingSince) {
      playingSince = Date.now();
      ttff.add(playingSince - started);
    }
  }
  const watchedS = (Date.now() - playingSince) / 1000;
  rebufferRatio.add(watchedS > 0 ? stalledS / watchedS : 0);
}
