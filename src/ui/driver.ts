// The page's clock: advances the world's virtual time with the wall clock,
// frame by frame (requestAnimationFrame), at the chosen speed. A frame whose
// time has not finished running when the next one comes is not overlapped:
// the next frame is skipped, so a heavy moment slows the simulation down
// rather than piling up work. A hidden tab sleeps. Paused, time stands still
// but one event at a time can still be stepped.
import { RealtimeDriver } from '../engine/cluster/clock.ts';
import type { World } from '../terminal/core/world.ts';

export class PageDriver {
  private readonly clock = new RealtimeDriver({ speed: 1 });
  private stepping = false;
  private raf = 0;

  /** Takes a getter: the world may be rebuilt while the loop runs. */
  constructor(private readonly world: () => World) {}

  get speed(): number {
    return this.clock.speed;
  }

  set speed(x: number) {
    this.clock.speed = x;
  }

  get paused(): boolean {
    return this.clock.paused;
  }

  set paused(p: boolean) {
    this.clock.paused = p;
  }

  /** Whether a run or a step is in progress (a step request then waits for the next click). */
  get busy(): boolean {
    return this.stepping;
  }

  /** Runs exactly one engine event (and the promise continuations it unblocked). */
  async step(): Promise<void> {
    if (this.stepping) return;
    this.stepping = true;
    try {
      const w = this.world();
      w.etcd.cluster.step();
      await w.settle();
    } finally {
      this.stepping = false;
    }
  }

  /** Starts the loop; onFrame runs after every frame (to copy snapshots) with the frame's timestamp. Returns the stop function. */
  start(onFrame: (wallNow: number) => void): () => void {
    const frame = (ts: number) => {
      const dt = this.clock.frame(ts);
      if (!this.stepping && dt > 0) {
        this.stepping = true;
        const w = this.world();
        void w
          .runUntil(() => false, w.now() + dt)
          .catch((e: unknown) => console.error('simulation step failed', e))
          .finally(() => (this.stepping = false));
      }
      onFrame(ts);
      this.raf = requestAnimationFrame(frame);
    };
    this.raf = requestAnimationFrame(frame);
    // Hidden tabs get no frames; forget the last timestamp so the return is not one huge step.
    const onVisibility = () => this.clock.reset();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      cancelAnimationFrame(this.raf);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }
}
