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
}

export class DeadlineQueue<T> {
  private items: (T | undefined)[] = [];
  private times: number[] = [];
  /** Numbers the owner keeps with each item (e.g. when its call started). */
  private tags: number[] = [];
  private head = 0;
  private armed = false;

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
    return this.items.length - this.head;
  }

  /**
   * Queues item to expire at virtual time `at`. False, queueing nothing,
   * when `at` is before the last deadline queued: the caller then needs a
   * timer of its own.
   */
  add(item: T, at: number, tag = 0): boolean {
    const n = this.items.length;
    if (n > this.head && at < this.times[n - 1]!) return false;
    this.dropEnded();
    this.items.push(item);
    this.times.push(at);
    this.tags.push(tag);
    if (!this.armed) this.arm();
    return true;
  }

  private arm(): void {
    this.armed = true;
    this.clock.after(this.times[this.head]! - this.clock.now(), () => this.fire());
  }

  private fire(): void {
    this.armed = false;
    const now = this.clock.now();
    while (this.head < this.items.length && this.times[this.head]! <= now) {
      const item = this.items[this.head]!;
      const tag = this.tags[this.head]!;
      this.items[this.head] = undefined;
      this.head++;
      if (this.live(item)) this.expire(item, tag);
    }
    this.dropEnded();
    if (this.head < this.items.length && !this.armed) this.arm();
  }

  /** Drops ended items from the head, and the head's slots once they are most of the arrays. */
  private dropEnded(): void {
    const items = this.items;
    while (this.head < items.length && !this.live(items[this.head]!)) items[this.head++] = undefined;
    if (this.head === items.length) {
      items.length = this.times.length = this.tags.length = this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= items.length) {
      this.items = items.slice(this.head);
      this.times = this.times.slice(this.head);
      this.tags = this.tags.slice(this.head);
      this.head = 0;
    }
  }
}
