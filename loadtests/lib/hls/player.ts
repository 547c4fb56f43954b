import type { MediaPlaylist, MediaSegment, Variant } from "./playlist.ts";

/**
 * The rendition a player on `bandwidthKbps` starts with: the highest whose BANDWIDTH fits in `safety`
 * of the link, else the lowest. Without a bandwidth (unshaped LAN) the highest. `variants` highest first.
 */
export function pickVariant(
  variants: readonly Variant[],
  bandwidthKbps: number | undefined,
  safety = 0.8,
): number {
  if (bandwidthKbps === undefined) return 0;
  const budget = bandwidthKbps * 1000 * safety;
  const index = variants.findIndex((variant) => variant.bandwidthBps <= budget);
  return index === -1 ? variants.length - 1 : index;
}

/** The variant whose BANDWIDTH is nearest `bandwidthBps` (a pinned rendition; ties go to the lower). */
export function nearestVariant(variants: readonly Variant[], bandwidthBps: number): number {
  let best = 0;
  for (let i = 1; i < variants.length; i++) {
    const gap = Math.abs((variants[i] as Variant).bandwidthBps - bandwidthBps);
    if (gap <= Math.abs((variants[best] as Variant).bandwidthBps - bandwidthBps)) best = i;
  }
  return best;
}

/** Index of the segment that covers media time `positionS` (to continue after a rendition switch). */
export function segmentAt(playlist: MediaPlaylist, positionS: number): number {
  let start = 0;
  for (let i = 0; i < playlist.segments.length; i++) {
    const segment = playlist.segments[i] as MediaSegment;
    if (positionS < start + segment.durationS - 1e-6) return i;
    start += segment.durationS;
  }
  return playlist.segments.length;
}
