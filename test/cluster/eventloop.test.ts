import { describe, expect, it } from 'vitest';
import { RealtimeDriver } from '../../src/engine/cluster/clock.ts';
import { EventLoop } from '../../src/engine/cluster/eventloop.ts';

interface Ev {
  time: number;
  seq: number;
  name: string;
}

function loop() {
  const seen: string[] = [];
  const l = new EventLoop<Ev>((e) => seen.push(`${e.name}@${e.time}`));
  return { l, seen, at: (time: number, name: string) => l.push({ time, seq: 0, name }) };
}

describe('EventLoop', () => {
  it('step runs exactly one event and moves the clock to it', () => {
    const { l, seen, at } = loop();
    at(10, 'b');
    at(5, 'a');
    at(10, 'c');
    expect(l.step()).toBe(true);
    expect(seen).toEqual(['a@5']);
    expect(l.now()).toBe(5);
    l.step();
    l.step();
    expect(seen).toEqual(['a@5', 'b@10', 'c@10']);
    expect(l.step()).toBe(false);
  });

  it('advanceTo runs due events and lands exactly on the target time', () => {
    const { l, seen, at } = loop();
    at(1, 'x');
    at(20, 'y');
    l.advanceTo(15);
    expect(seen).toEqual(['x@1']);
    expect(l.now()).toBe(15);
    at(3, 'late'); // in the past: runs now
    l.advanceTo(15);
    expect(seen).toEqual(['x@1', 'late@15']);
  });

  it('runUntil stops as soon as the predicate holds, or at the deadline', () => {
    const { l, seen, at } = loop();
    for (let t = 10; t <= 100; t += 10) at(t, `e${t}`);
    expect(l.runUntil(() => seen.length === 3, 1000)).toBe(true);
    expect(l.now()).toBe(30);
    expect(l.runUntil(() => false, 25)).toBe(false);
    expect(l.now()).toBe(55);
    expect(seen.length).toBe(5);
  });
});

describe('RealtimeDriver', () => {
  it('maps wall-clock deltas to virtual time with speed and a per-frame cap', () => {
    const d = new RealtimeDriver({ speed: 2, maxFrameMs: 100 });
    expect(d.frame(1000)).toBe(0);
    expect(d.frame(1016)).toBe(32);
    expect(d.frame(5000)).toBe(200); // capped
    d.paused = true;
    expect(d.frame(5016)).toBe(0);
    d.paused = false;
    expect(d.toVirtual(-5)).toBe(0);
    d.speed = 0.5;
    expect(d.toVirtual(10)).toBe(5);
  });

  it('sweeps canceled events once they are most of the heap, and runs the rest in order', () => {
    const seen: number[] = [];
    const l = new EventLoop<Ev & { dead?: boolean }>((e) => seen.push(e.time), (e) => e.dead === true);
    const evs = Array.from({ length: 5000 }, (_, i) => ({ time: 1000 + i, seq: 0, name: `${i}`, dead: false }));
    for (const e of evs) l.push(e);
    for (const e of evs.slice(0, 4000)) {
      e.dead = true;
      l.noteCanceled();
    }
    expect(l.pending()).toBeLessThan(5000);
    l.advanceTo(10_000);
    expect(seen.filter((t) => t >= 5000)).toEqual(Array.from({ length: 1000 }, (_, i) => 5000 + i));
  });
});
