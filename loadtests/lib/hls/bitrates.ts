/**
 * The project's one definition of a rendition's peak and average bit rate, from its segments' sizes
 * (RFC 8216 section 4.3.4.2): the average is all bytes over all time; the peak is the highest rate over
 * any run of contiguous segments lasting 0.5 to 1.5 target durations, so a short tail segment holding
 * one keyframe is judged together with its neighbour, not as a rate the player never sustains.
 */
export interface SizedSegment {
  readonly durationS: number;
  readonly bytes: number;
}

export interface SegmentBitrates {
  /** total bytes * 8 over total duration, bit/s. */
  readonly averageBps: number;
  readonly peakBps: number;
}

export function segmentBitrates(segments: readonly SizedSegment[], targetDurationS: number): SegmentBitrates {
  const usable = segments.filter((s) => s.durationS > 0);
  const totalBytes = usable.reduce((sum, s) => sum + s.bytes, 0);
  const totalDuration = usable.reduce((sum, s) => sum + s.durationS, 0);
  const average = totalDuration > 0 ? (totalBytes * 8) / totalDuration : 0;
  let peak = 0;
  for (let start = 0; start < usable.length; start++) {
    let bytes = 0;
    let duration = 0;
    for (let end = start; end < usable.length; end++) {
      const segment = usable[end] as SizedSegment;
      bytes += segment.bytes;
      duration += segment.durationS;
      if (duration > 1.5 * targetDurationS) break;
      if (duration >= 0.5 * targetDurationS) peak = Math.max(peak, (bytes * 8) / duration);
    }
  }
  // A playlist too short for any qualifying window (one 2 s segment): its only rate is the average.
  return { averageBps: average, peakBps: peak === 0 ? average : peak };
}
