import type { Scenario, VuContext } from "../../lib/engine.ts";
import {
  isMasterPlaylist,
  type MediaPlaylist,
  nearestVariant,
  parseMaster,
  parseMedia,
  pickVariant,
  segmentAt,
  type Variant,
} from "../../lib/hls/index.ts";
import type { Tags } from "../../lib/samples.ts";
import type { Stage } from "../../lib/schedule.ts";
import { PlaybackBuffer } from "./playback.ts";

export interface HlsViewerOptions {
  /** base URL of the media server, e.g. http://127.0.0.1:8081 */
  readonly mediaBaseUrl: string;
  /** master (or media) playlists, relative to mediaBaseUrl; VU v watches masters[v % n]. */
  readonly masters: readonly string[];
  /** the emulated link per learner, kbit/s; the rendition is picked for it (unset: the highest). */
  readonly bandwidthKbps?: number;
  /**
   * Plays only the variant whose BANDWIDTH is nearest this, bit/s, and never steps down: a capacity
   * probe measures how many learners one rendition fits, which an adapting player would hide.
   */
  readonly pinnedBandwidthBps?: number;
  /** media seconds buffered before the first frame (default: one segment). */
  readonly startupBufferS?: number;
  /** the player fetches the next segment once the buffer drops below this (default: 3 target durations). */
  readonly maxBufferS?: number;
  /** longest a session watches, seconds (default: the whole video). */
  readonly watchS?: number;
  /** false: fetch segments back to back and skip playing out (cost benchmarks only; default true). */
  readonly paced?: boolean;
}

const sec = (ctx: VuContext) => ctx.now() / 1000;
const SEGMENT_CHECK = {
  "hls_segment status 200": (r: { status: number; bytes: number }) => r.status === 200 && r.bytes > 0,
};

/** One viewing session per iteration: master, rendition, startup buffer, then segments at playback pace. */
export function hlsViewerScenario(
  options: HlsViewerOptions,
  plan: {
    stages: readonly Stage[];
    gracefulRampDownS: number;
    gracefulStopS: number;
    headers?: Record<string, string>;
  },
): Scenario {
  const cache = new PlaylistCache();
  const { stages, gracefulRampDownS, ...rest } = plan;
  return {
    name: "hls-viewer",
    ...rest,
    executor: { type: "ramping-vus", stages, gracefulRampDownS },
    iteration: (ctx) => watch(ctx, options, cache),
  };
}

async function fetchPlaylist(ctx: VuContext, url: string, name: string): Promise<string | undefined> {
  const response = await ctx.http.request({ url, name, keepBody: true });
  const ok = ctx.check(response, {
    [`${name} status 200`]: (r) => r.status === 200,
    [`${name} is m3u8`]: (r) => r.body.startsWith("#EXTM3U"),
  });
  return ok ? response.body : undefined;
}

/**
 * Parsed playlists by URL, reused while the server returns the same text: every session still fetches and
 * checks both playlists, but does not re-parse them and re-resolve every segment URL. Unpaced, each
 * session's parse results outlived a young-generation GC and filled the old heap (a full GC every 50 ms).
 */
interface ParsedMaster {
  readonly text: string;
  readonly variants: readonly Variant[];
}
interface ParsedMedia {
  readonly text: string;
  readonly playlist: MediaPlaylist;
  readonly segmentUrls: readonly string[];
}

/** A VU's metric handles and rendition tag sets, made once per VU (not once per session). */
interface ViewerState {
  readonly m: ReturnType<typeof viewerMetrics>;
  readonly renditionTags: Map<number, Tags>;
}

function viewerMetrics(ctx: VuContext) {
  return {
    ttff: ctx.metrics.trend("hls_time_to_first_frame"),
    rebufferEvents: ctx.metrics.counter("hls_rebuffer_events"),
    rebufferRatio: ctx.metrics.trend("hls_rebuffer_ratio", "ratio"),
    segmentTime: ctx.metrics.trend("hls_segment_fetch_time"),
    /** fetch time over the segment's duration: above 1 the player cannot keep up. */
    segmentRatio: ctx.metrics.trend("hls_segment_fetch_ratio", "ratio"),
    switches: ctx.metrics.counter("hls_rendition_switches"),
    watched: ctx.metrics.counter("hls_watched_seconds", "s"),
  };
}

class PlaylistCache {
  private readonly masters = new Map<string, ParsedMaster>();
  private readonly medias = new Map<string, ParsedMedia>();
  private readonly viewers = new WeakMap<VuContext, ViewerState>();

  master(url: string, text: string): readonly Variant[] {
    const known = this.masters.get(url);
    if (known?.text === text) return known.variants;
    const variants: Variant[] = isMasterPlaylist(text)
      ? parseMaster(text).map((v) => ({ ...v, uri: new URL(v.uri, url).href }))
      : [{ bandwidthBps: 0, uri: url }];
    this.masters.set(url, { text, variants });
    return variants;
  }

  media(url: string, text: string): ParsedMedia {
    const known = this.medias.get(url);
    if (known?.text === text) return known;
    const playlist = parseMedia(text);
    const parsed = { text, playlist, segmentUrls: playlist.segments.map((s) => new URL(s.uri, url).href) };
    this.medias.set(url, parsed);
    return parsed;
  }

  viewer(ctx: VuContext): ViewerState {
    let state = this.viewers.get(ctx);
    if (!state) {
      state = { m: viewerMetrics(ctx), renditionTags: new Map() };
      this.viewers.set(ctx, state);
    }
    return state;
  }
}

async function watch(ctx: VuContext, options: HlsViewerOptions, cache: PlaylistCache): Promise<void> {
  const { m, renditionTags } = cache.viewer(ctx);
  const masterUrl = new URL(options.masters[ctx.vu % options.masters.length] as string, options.mediaBaseUrl)
    .href;
  const startedS = sec(ctx);
  const masterText = await fetchPlaylist(ctx, masterUrl, "hls_master");
  if (masterText === undefined) return ctx.sleep(1000);
  const variants = cache.master(masterUrl, masterText);
  const pinned = options.pinnedBandwidthBps !== undefined;
  let level = pinned
    ? nearestVariant(variants, options.pinnedBandwidthBps as number)
    : pickVariant(variants, options.bandwidthKbps);
  let mediaUrl = (variants[level] as Variant).uri;
  const loadMedia = async (): Promise<ParsedMedia | undefined> => {
    const text = mediaUrl === masterUrl ? masterText : await fetchPlaylist(ctx, mediaUrl, "hls_media");
    return text === undefined ? undefined : cache.media(mediaUrl, text);
  };
  let loaded = await loadMedia();
  if (!loaded) return ctx.sleep(1000);
  let media = loaded.playlist;
  const totalS = media.segments.reduce((sum, s) => sum + s.durationS, 0);
  const watchS = Math.min(totalS, options.watchS ?? totalS);
  const startupS = options.startupBufferS ?? media.segments[0]?.durationS ?? 1;
  const maxBufferS = options.maxBufferS ?? 3 * media.targetDurationS;
  const player = new PlaybackBuffer(sec(ctx));
  let index = 0;
  const rendition = (): Tags => {
    const variant = variants[level];
    if (!variant) return ctx.tags;
    let tags = renditionTags.get(variant.bandwidthBps);
    if (!tags) {
      tags = Object.freeze({ ...ctx.tags, rendition: String(variant.bandwidthBps) });
      renditionTags.set(variant.bandwidthBps, tags);
    }
    return tags;
  };

  try {
    while (player.downloadedS < watchS - 1e-6 && index < media.segments.length && !ctx.stopping()) {
      const segment = media.segments[index] as (typeof media.segments)[number];
      if (player.isStarted && options.paced !== false) {
        // Playback pace: wait until the buffer has room for this segment.
        player.advance(sec(ctx));
        const waitS = player.bufferS + segment.durationS - maxBufferS;
        if (waitS > 0) await ctx.sleep(waitS * 1000);
      }
      const fetchStarted = ctx.now();
      const response = await ctx.http.request({
        url: (loaded as ParsedMedia).segmentUrls[index] as string,
        name: "hls_segment",
      });
      const fetchMs = ctx.now() - fetchStarted;
      if (!ctx.check(response, SEGMENT_CHECK)) {
        // A lost segment: the player retries it after a short pause (the stall keeps counting).
        await ctx.sleep(500);
        continue;
      }
      m.segmentTime.add(fetchMs, rendition());
      m.segmentRatio.add(fetchMs / (segment.durationS * 1000), rendition());
      if (player.advance(sec(ctx))) m.rebufferEvents.add(1, rendition());
      player.append(sec(ctx), segment.durationS);
      index++;
      if (!player.isStarted && player.bufferS >= startupS - 1e-6) {
        player.start(sec(ctx));
        m.ttff.add((sec(ctx) - startedS) * 1000, rendition());
      }
      if (!pinned && fetchMs > segment.durationS * 1000 && level < variants.length - 1) {
        level++;
        mediaUrl = (variants[level] as Variant).uri;
        m.switches.add(1, rendition());
        const next = await loadMedia();
        if (!next) break;
        loaded = next;
        media = next.playlist;
        index = segmentAt(media, player.downloadedS);
      }
    }
    if (!player.isStarted && player.bufferS > 0) player.start(sec(ctx));
    // Play out what is buffered, so the session's watch time is real.
    if (player.isStarted && !ctx.stopping() && options.paced !== false)
      await ctx.sleep(player.bufferS * 1000);
  } finally {
    player.end(sec(ctx), player.downloadedS >= watchS - 1e-6);
    if (player.isStarted) {
      m.rebufferRatio.add(player.rebufferRatio, rendition());
      m.watched.add(player.playedS, rendition());
    }
  }
}
