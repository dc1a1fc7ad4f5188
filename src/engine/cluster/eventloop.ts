// The discrete-event loop: a priority queue of timed events run one at a time
// in (time, seq) order. Everything that happens in a simulated cluster (message
// deliveries, node ticks, scheduled actions) is one of these events.
//
// Most events are due at once (zero-latency deliveries, completions, raft's
// own follow-ups) while the heap holds the far ones (every call's deadline,
// seconds away, thousands of them under load). Those due now go to a FIFO
// instead: they are pushed in seq order at a time that never decreases, so
// the FIFO is sorted, and popping the smaller of its head and the heap's top
// gives exactly the heap's (time, seq) order, without sifting through the
// deadlines for every event.
import { type Timed, TimedQueue, before } from '../util/heap.ts';
import { VirtualClock } from './clock.ts';

export class EventLoop<E extends Timed> {
  readonly clock = new VirtualClock();
  private readonly queue = new TimedQueue<E>();
  /**
   * Events pushed for the time it was then, in seq order: due[head..tail).
   * Indices rather than push/shift or length = 0, which would drop the
   * array's storage each time it empties (it empties all the time).
   */
  private readonly due: (E | undefined)[] = [];
  private head = 0;
  private tail = 0;
  private seq = 0;
  /** Events run so far; handy for benchmarks and runaway guards. */
  eventsRun = 0;
  /** Events canceled since the heap was last swept of them. */
  private canceled = 0;

  /**
   * isCanceled tells an event that will do nothing (a canceled timer): such
   * events are swept from the heap once they are most of it, so the far-off
   * deadlines of finished calls neither pile up nor slow every push.
   */
  constructor(
    private readonly dispatch: (e: E) => void,
    private readonly isCanceled: (e: E) => boolean = () => false,
  ) {}

  /** Notes that an event now does nothing; sweeps the heap when such events are most of it. */
  noteCanceled(): void {
    if (++this.canceled < 1024 || this.canceled * 2 < this.queue.size) return;
    this.queue.retain((e) => !this.isCanceled(e));
    this.canceled = 0;
  }

  now(): number {
    return this.clock.now();
  }

  /** Queues e; an event dated in the past runs at the current time. */
  push(e: E): void {
    const now = this.clock.now();
    if (!(e.time >= now)) e.time = now;
    e.seq = this.seq++;
    if (e.time === now) this.due[this.tail++] = e;
    else this.queue.push(e);
  }

  pending(): number {
    return this.queue.size + this.tail - this.head;
  }

  nextTime(): number | undefined {
    return this.peek()?.time;
  }

  /** The next event in (time, seq) order. */
  private peek(): E | undefined {
    const d = this.due[this.head];
    const h = this.queue.peek();
    if (d === undefined) return h;
    return h !== undefined && before(h, d) ? h : d;
  }

  private pop(): E | undefined {
    if (this.head === this.tail) return this.queue.pop();
    const d = this.due[this.head]!;
    const h = this.queue.peek();
    if (h !== undefined && before(h, d)) return this.queue.pop();
    this.due[this.head++] = undefined; // let it go
    if (this.head === this.tail) {
      this.head = this.tail = 0;
      // A burst's worth of slots is kept for the next one, not a flood's.
      if (this.due.length > 65536) this.due.length = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.tail) {
      this.due.copyWithin(0, this.head, this.tail);
      this.due.fill(undefined, this.tail - this.head, this.tail);
      this.tail -= this.head;
      this.head = 0;
    }
    return d;
  }

  /** Runs exactly one event; false when the queue is empty. */
  step(): boolean {
    const e = this.pop();
    if (e === undefined) return false;
    this.clock.set(e.time);
    this.eventsRun++;
    this.dispatch(e);
    return true;
  }

  /** Runs every event due at or before t, then sets the clock to t. */
  advanceTo(t: number): void {
    for (let e = this.peek(); e !== undefined && e.time <= t; e = this.peek()) this.step();
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
    for (let e = this.peek(); e !== undefined && e.time <= deadline; e = this.peek()) {
      this.step();
      if (pred()) return true;
    }
    this.clock.set(deadline);
    return pred();
  }
}
