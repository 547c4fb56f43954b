import type { Duplex } from "node:stream";

/** Bytes held in one direction before the source is paused (well above any bandwidth-delay product here). */
const DEFAULT_MAX_BUFFERED = 8 * 1024 * 1024;

/**
 * Moves bytes from `source` to `sink`, releasing each chunk `delayMs` after it arrived (and not before
 * `notBefore`, a performance.now() instant). Order is kept; a slow sink pauses the source, so a shaped
 * link downstream pushes back all the way to the sender instead of filling memory.
 */
export class DelayLine {
  private readonly queue: { releaseAt: number; chunk: Buffer }[] = [];
  private buffered = 0;
  private timer: NodeJS.Timeout | undefined;
  private waitingForDrain = false;
  private sourceEnded = false;
  private finished = false;

  constructor(
    private readonly source: Duplex,
    private readonly sink: Duplex,
    private readonly delayMs: number,
    private readonly notBefore = 0,
    private readonly maxBuffered = DEFAULT_MAX_BUFFERED,
  ) {
    source.on("data", (chunk: Buffer) => this.push(chunk));
    source.on("end", () => {
      this.sourceEnded = true;
      this.schedule();
    });
  }

  private push(chunk: Buffer): void {
    const releaseAt = Math.max(performance.now(), this.notBefore) + this.delayMs;
    this.queue.push({ releaseAt, chunk });
    this.buffered += chunk.length;
    if (this.buffered >= this.maxBuffered) this.source.pause();
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.waitingForDrain || this.finished) return;
    const head = this.queue[0];
    if (!head) {
      if (this.sourceEnded) {
        this.finished = true;
        this.sink.end();
      }
      return;
    }
    const wait = head.releaseAt - performance.now();
    // Due now (no delay configured, or a late timer): write at once instead of paying a timer tick.
    if (wait <= 0.5) {
      this.flush();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  private flush(): void {
    // Timers fire up to ~1 ms late or early; release everything due within half a millisecond.
    const now = performance.now() + 0.5;
    for (let head = this.queue[0]; head && head.releaseAt <= now; head = this.queue[0]) {
      this.queue.shift();
      const { chunk } = head;
      this.buffered -= chunk.length;
      if (!this.sink.write(chunk)) {
        this.waitingForDrain = true;
        this.sink.once("drain", () => {
          this.waitingForDrain = false;
          this.flush();
        });
        break;
      }
    }
    if (this.buffered < this.maxBuffered / 2 && this.source.isPaused()) this.source.resume();
    this.schedule();
  }

  /** Stops the timer (the sockets are being torn down). */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.finished = true;
  }
}
