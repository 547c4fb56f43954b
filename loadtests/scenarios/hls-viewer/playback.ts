/**
 * A player's buffer on a clock: media seconds downloaded ahead of the playhead drain in real time while
 * playing; an empty buffer is a stall (a rebuffer event) until the next segment arrives. Pure: the caller
 * passes the time, so it is tested without waiting.
 */
export class PlaybackBuffer {
  bufferS = 0;
  playedS = 0;
  stalledS = 0;
  rebufferEvents = 0;
  /** media seconds received so far (the position the next segment starts at). */
  downloadedS = 0;
  private playing = false;
  private started = false;
  private lastS: number;

  constructor(nowS: number) {
    this.lastS = nowS;
  }

  get isStarted(): boolean {
    return this.started;
  }

  /** Advances the clock to `nowS`; returns true when a stall began during the interval. */
  advance(nowS: number): boolean {
    const elapsed = Math.max(0, nowS - this.lastS);
    this.lastS = nowS;
    if (!this.started) return false;
    if (!this.playing) {
      this.stalledS += elapsed;
      return false;
    }
    if (elapsed <= this.bufferS) {
      this.bufferS -= elapsed;
      this.playedS += elapsed;
      return false;
    }
    this.playedS += this.bufferS;
    this.stalledS += elapsed - this.bufferS;
    this.bufferS = 0;
    this.playing = false;
    this.rebufferEvents++;
    return true;
  }

  /** A segment of `durationS` arrived at `nowS`. */
  append(nowS: number, durationS: number): void {
    this.advance(nowS);
    this.bufferS += durationS;
    this.downloadedS += durationS;
    if (this.started) this.playing = true;
  }

  /** Playback begins (first frame) at `nowS`. */
  start(nowS: number): void {
    this.advance(nowS);
    this.started = true;
    this.playing = this.bufferS > 0;
  }

  /** The session ends at `nowS`; when the whole video was downloaded, running out of buffer is its end, not a stall. */
  end(nowS: number, videoComplete: boolean): void {
    if (videoComplete && this.playing) {
      const elapsed = Math.max(0, nowS - this.lastS);
      const played = Math.min(elapsed, this.bufferS);
      this.playedS += played;
      this.bufferS -= played;
      this.lastS = nowS;
      return;
    }
    this.advance(nowS);
  }

  /** stalled time over watched time (0 when nothing was watched). */
  get rebufferRatio(): number {
    const total = this.playedS + this.stalledS;
    return total > 0 ? this.stalledS / total : 0;
  }
}
