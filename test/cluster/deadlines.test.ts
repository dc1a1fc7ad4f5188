// DeadlineQueue (src/engine/util/deadlines.ts): in-order deadlines behind one
// timer, on a simulated cluster's virtual clock. Each live item expires at its
// own deadline, in the order added; ended ones never do; out-of-order ones
// are refused; the queue keeps about what is still waiting.
import { describe, expect, it } from 'vitest';
import { Cluster } from '../../src/engine/cluster/cluster.ts';
import { DeadlineQueue } from '../../src/engine/util/deadlines.ts';

interface Call {
  name: string;
  done: boolean;
}

function setup() {
  const c = new Cluster({ seed: 1, nodes: 1 });
  const expired: [string, number, number][] = [];
  const q = new DeadlineQueue<Call>(
    c,
    (x) => !x.done,
    (x, tag) => {
      x.done = true;
      expired.push([x.name, c.now(), tag]);
    },
  );
  return { c, q, expired };
}

describe('DeadlineQueue', () => {
  it('expires each live item at its own deadline, in order; ended ones never', () => {
    const { c, q, expired } = setup();
    const t0 = c.now();
    const a = { name: 'a', done: false };
    const b = { name: 'b', done: false };
    const d = { name: 'd', done: false };
    expect(q.add(a, t0 + 100, 7)).toBe(true);
    c.advance(10);
    expect(q.add(b, t0 + 110)).toBe(true);
    expect(q.add(d, t0 + 110, 9)).toBe(true);
    b.done = true; // ended before its deadline
    c.advance(95);
    expect(expired).toEqual([['a', t0 + 100, 7]]);
    c.advance(20);
    expect(expired).toEqual([
      ['a', t0 + 100, 7],
      ['d', t0 + 110, 9],
    ]);
    expect(q.size).toBe(0);
  });

  it('refuses a deadline before the last one queued, and one added while expiring waits for its own', () => {
    const { c, q, expired } = setup();
    const t0 = c.now();
    expect(q.add({ name: 'late', done: false }, t0 + 50)).toBe(true);
    expect(q.add({ name: 'early', done: false }, t0 + 20)).toBe(false);
    // A fresh queue takes any first deadline; items expiring may add more.
    const { c: c2, expired: ex2 } = setup();
    const q2: DeadlineQueue<Call> = new DeadlineQueue<Call>(
      c2,
      (x) => !x.done,
      (x) => {
        x.done = true;
        ex2.push([x.name, c2.now(), 0]);
        if (x.name === 'first') q2.add({ name: 'second', done: false }, c2.now() + 30);
      },
    );
    const s0 = c2.now();
    q2.add({ name: 'first', done: false }, s0 + 10);
    c2.advance(100);
    expect(ex2).toEqual([
      ['first', s0 + 10, 0],
      ['second', s0 + 40, 0],
    ]);
    c.advance(100);
    expect(expired.map((e) => e[0])).toEqual(['late']);
  });

  it('holds about what is in flight: ended items at the head are dropped as new ones come', () => {
    const { c, q } = setup();
    const t0 = c.now();
    const calls: Call[] = [];
    for (let i = 0; i < 10_000; i++) {
      const x = { name: `c${i}`, done: false };
      calls.push(x);
      q.add(x, t0 + 5000 + i);
      if (i >= 3) calls[i - 3]!.done = true; // three in flight at a time
    }
    expect(q.size).toBeLessThanOrEqual(4);
  });

  it('cancels its timer once nothing waits (a pending real timer would keep a process alive)', () => {
    let now = 0;
    const timers: { at: number; canceled: boolean }[] = [];
    const clock = {
      now: () => now,
      after: (ms: number) => {
        timers.push({ at: now + ms, canceled: false });
        return timers[timers.length - 1]!;
      },
      cancel: (t: object) => void ((t as { canceled: boolean }).canceled = true),
    };
    const q = new DeadlineQueue<Call>(clock, (x) => !x.done, () => {});
    const a = { name: 'a', done: false };
    const b = { name: 'b', done: false };
    q.add(a, 5000);
    now = 10;
    q.add(b, 5010);
    expect(timers).toEqual([{ at: 5000, canceled: false }]);
    a.done = true;
    q.settle();
    expect(timers[0]!.canceled).toBe(false); // b still waits
    b.done = true;
    q.settle();
    expect(timers[0]!.canceled).toBe(true);
    expect(q.size).toBe(0);
  });
});
