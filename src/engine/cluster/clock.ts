// Virtual time. The engine never reads a wall clock: time is a number of
// milliseconds that only the event loop moves forward.

export class VirtualClock {
  private t = 0;

  now(): number {
    return this.t;
  }

  /** Moves time forward to t; time never goes backwards. */
  set(t: number): void {
    if (t > this.t) this.t = t;
  }
}

export interface RealtimeDriverOptions {
  /** Virtual ms per wall-clock ms (1 = real time). */
  speed?: number;
  /**
   * Largest wall-clock delta honoured in one frame. A browser tab in the
   * background delivers one huge delta on return; capping it keeps the UI from
   * fast-forwarding minutes of simulated time in a single frame.
   */
  maxFrameMs?: number;
}

/**
 * Maps wall-clock deltas to virtual time. Pure: the caller measures time (e.g.
 * with the browser's animation-frame timestamp in the UI) and passes the delta in.
 */
export class RealtimeDriver {
  speed: number;
  maxFrameMs: number;
  paused = false;
  private lastWall: number | undefined;

  constructor(opts: RealtimeDriverOptions = {}) {
    this.speed = opts.speed ?? 1;
    this.maxFrameMs = opts.maxFrameMs ?? 250;
  }

  /** Virtual ms to advance for a wall-clock delta of deltaMs. */
  toVirtual(deltaMs: number): number {
    if (this.paused || !(deltaMs > 0)) return 0;
    return Math.min(deltaMs, this.maxFrameMs) * this.speed;
  }

  /**
   * Convenience for frame callbacks that receive an absolute wall timestamp:
   * returns the virtual ms since the previous call (0 on the first call).
   */
  frame(wallNowMs: number): number {
    const last = this.lastWall;
    this.lastWall = wallNowMs;
    return last === undefined ? 0 : this.toVirtual(wallNowMs - last);
  }

  /** Forget the last timestamp (e.g. after the page was hidden). */
  reset(): void {
    this.lastWall = undefined;
  }
}
