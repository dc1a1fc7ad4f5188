// Timeouts that come in the order they fall due, behind one timer. Every
// call has a deadline and nearly all of them have the same length, so they
// are queued in order: one scheduled event for the earliest, rather than an
// event and a closure per call that the call's end must cancel (thousands
// in flight under load, each outliving its call by seconds). An item whose
// call has ended is skipped; the items of ended calls at the head are
// dropped as new ones come, so the queue holds about what is in flight.
import type { TimerHandle } from '../api/service.ts';

/** The clock and timers the queue runs on (a cluster or a client's endpoints). */
export interface DeadlineClock {
  now(): number;
  after(ms: number, fn: () => void): TimerHandle;
  cancel(t: TimerHandle): void;
}

export class DeadlineQueue<T> {
  /**
   * Queued: slots [head, tail) of the three arrays. Indices rather than
   * push/shift or length = 0, which would drop the arrays' storage each
   * time the queue empties (as the event loop's due queue does).
   */
  private readonly items: (T | undefined)[] = [];
  private readonly times: number[] = [];
  /** Numbers the owner keeps with each item (e.g. when its call started). */
  private readonly tags: number[] = [];
  private head = 0;
  private tail = 0;
  /** The one scheduled event, for the head's deadline (or an earlier one's, now ended). */
  private timer: TimerHandle | undefined;

  /**
   * @param live whether an item's call is still waiting (ended ones are skipped)
   * @param expire runs for a live item at its deadline, in the order they were added
   */
  constructor(
    private readonly clock: DeadlineClock,
    private readonly live: (item: T) => boolean,
    private readonly expire: (item: T, tag: number) => void,
  ) {}

  /** Items queued and not yet dropped (some may have ended). */
  get size(): number {
    return this.tail - this.head;
  }

  /**
   * Queues item to expire at virtual time `at`. False, queueing nothing,
   * when `at` is before the last deadline queued: the caller then needs a
   * timer of its own.
   */
  add(item: T, at: number, tag = 0): boolean {
    if (this.tail > this.head && at < this.times[this.tail - 1]!) return false;
    this.dropEnded();
    const i = this.tail++;
    this.items[i] = item;
    this.times[i] = at;
    this.tags[i] = tag;
    if (this.timer === undefined) this.arm();
    return true;
  }

  /**
   * An item's call ended: ended items at the head go, and when nothing waits
   * any more the timer is cancelled (on a real clock, a pending timer would
   * keep the process alive until the deadline).
   */
  settle(): void {
    this.dropEnded();
    if (this.head === this.tail && this.timer !== undefined) {
      this.clock.cancel(this.timer);
      this.timer = undefined;
    }
  }

  private arm(): void {
    this.timer = this.clock.after(this.times[this.head]! - this.clock.now(), () => this.fire());
  }

  private fire(): void {
    this.timer = undefined;
    const now = this.clock.now();
    while (this.head < this.tail && this.times[this.head]! <= now) {
      const item = this.items[this.head]!;
      const tag = this.tags[this.head]!;
      this.items[this.head] = undefined;
      this.head++;
      if (this.live(item)) this.expire(item, tag);
    }
    this.dropEnded();
    if (this.head < this.tail && this.timer === undefined) this.arm();
  }

  /** Drops ended items from the head; moves the rest to the front once the head's slots are most of the arrays. */
  private dropEnded(): void {
    const items = this.items;
    while (this.head < this.tail && !this.live(items[this.head]!)) items[this.head++] = undefined;
    if (this.head === this.tail) {
      this.head = this.tail = 0;
      // A burst's worth of slots is kept for the next one, not a flood's.
      if (items.length > 65536) items.length = this.times.length = this.tags.length = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.tail) {
      const n = this.tail - this.head;
      items.copyWithin(0, this.head, this.tail);
      items.fill(undefined, n, this.tail);
      this.times.copyWithin(0, this.head, this.tail);
      this.tags.copyWithin(0, this.head, this.tail);
      this.head = 0;
      this.tail = n;
    }
  }
}
