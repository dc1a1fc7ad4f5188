// The page's clock: advances the world's virtual time with the wall clock,
// frame by frame (requestAnimationFrame), at the chosen speed. A frame whose
// time has not finished running when the next one comes is not overlapped:
// the next frame is skipped, so a heavy moment slows the simulation down
// rather than piling up work. A hidden tab sleeps.
import { RealtimeDriver } from '../engine/cluster/clock.ts';
import type { World } from '../terminal/core/world.ts';

export class PageDriver {
  private readonly clock = new RealtimeDriver({ speed: 1 });
  private stepping = false;
  private raf = 0;

  constructor(private readonly world: World) {}

  get speed(): number {
    return this.clock.speed;
  }

  set speed(x: number) {
    this.clock.speed = x;
  }

  /** Starts the loop; onFrame runs after every frame (to copy snapshots). Returns the stop function. */
  start(onFrame: () => void): () => void {
    const frame = (ts: number) => {
      const dt = this.clock.frame(ts);
      if (!this.stepping && dt > 0) {
        this.stepping = true;
        void this.world
          .runUntil(() => false, this.world.now() + dt)
          .catch((e: unknown) => console.error('simulation step failed', e))
          .finally(() => (this.stepping = false));
      }
      onFrame();
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
