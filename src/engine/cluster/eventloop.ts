// The discrete-event loop: a priority queue of timed events run one at a time
// in (time, seq) order. Everything that happens in a simulated cluster (message
// deliveries, node ticks, scheduled actions) is one of these events.
import { type Timed, TimedQueue } from '../util/heap.ts';
import { VirtualClock } from './clock.ts';

export class EventLoop<E extends Timed> {
  readonly clock = new VirtualClock();
  private readonly queue = new TimedQueue<E>();
  private seq = 0;
  /** Events run so far; handy for benchmarks and runaway guards. */
  eventsRun = 0;

  constructor(private readonly dispatch: (e: E) => void) {}

  now(): number {
    return this.clock.now();
  }

  /** Queues e; an event dated in the past runs at the current time. */
  push(e: E): void {
    const now = this.clock.now();
    if (!(e.time >= now)) e.time = now;
    e.seq = this.seq++;
    this.queue.push(e);
  }

  pending(): number {
    return this.queue.size;
  }

  nextTime(): number | undefined {
    return this.queue.peek()?.time;
  }

  /** Runs exactly one event; false when the queue is empty. */
  step(): boolean {
    const e = this.queue.pop();
    if (e === undefined) return false;
    this.clock.set(e.time);
    this.eventsRun++;
    this.dispatch(e);
    return true;
  }

  /** Runs every event due at or before t, then sets the clock to t. */
  advanceTo(t: number): void {
    for (let e = this.queue.peek(); e !== undefined && e.time <= t; e = this.queue.peek()) this.step();
    this.clock.set(t);
  }

  /**
   * Runs events until pred() holds or maxMs of virtual time have passed.
   * Returns whether pred held. pred is checked before the first event and
   * after each one, so it sees every intermediate state.
   */
  runUntil(pred: () => boolean, maxMs: number): boolean {
    if (pred()) return true;
    const deadline = this.clock.now() + maxMs;
    for (let e = this.queue.peek(); e !== undefined && e.time <= deadline; e = this.queue.peek()) {
      this.step();
      if (pred()) return true;
    }
    this.clock.set(deadline);
    return pred();
  }
}
