import { describe, expect, it } from 'vitest';
import { TimedQueue } from '../../src/engine/util/heap.ts';
import { Prng } from '../../src/engine/util/prng.ts';

describe('TimedQueue', () => {
  it('pops by time, then by insertion sequence', () => {
    const q = new TimedQueue<{ time: number; seq: number; name: string }>();
    q.push({ time: 5, seq: 0, name: 'a' });
    q.push({ time: 1, seq: 1, name: 'b' });
    q.push({ time: 5, seq: 2, name: 'c' });
    q.push({ time: 1, seq: 3, name: 'd' });
    q.push({ time: 3, seq: 4, name: 'e' });
    const out: string[] = [];
    for (let e = q.pop(); e; e = q.pop()) out.push(e.name);
    expect(out).toEqual(['b', 'd', 'e', 'a', 'c']);
    expect(q.size).toBe(0);
    expect(q.pop()).toBeUndefined();
  });

  it('matches a stable sort on random input with interleaved pops', () => {
    const rng = new Prng(11);
    const q = new TimedQueue<{ time: number; seq: number }>();
    const ref: { time: number; seq: number }[] = [];
    let seq = 0;
    const popped: number[] = [];
    const expected: number[] = [];
    for (let i = 0; i < 5000; i++) {
      if (rng.chance(0.6) || ref.length === 0) {
        const e = { time: rng.int(50), seq: seq++ };
        q.push(e);
        ref.push(e);
      } else {
        ref.sort((x, y) => x.time - y.time || x.seq - y.seq);
        expected.push(ref.shift()!.seq);
        popped.push(q.pop()!.seq);
      }
    }
    expect(popped).toEqual(expected);
    expect(q.size).toBe(ref.length);
  });

  it('retain drops items and keeps the (time, seq) order of the rest', () => {
    const rng = new Prng(12);
    const q = new TimedQueue<{ time: number; seq: number; keep: boolean }>();
    for (let i = 0; i < 3000; i++) q.push({ time: rng.int(100), seq: i, keep: rng.chance(0.3) });
    q.retain((e) => e.keep);
    const out: { time: number; seq: number; keep: boolean }[] = [];
    for (let e = q.pop(); e; e = q.pop()) out.push(e);
    expect(out.every((e) => e.keep)).toBe(true);
    expect(out.length).toBeGreaterThan(700);
    for (let i = 1; i < out.length; i++) {
      const [a, b] = [out[i - 1]!, out[i]!];
      expect(a.time < b.time || (a.time === b.time && a.seq < b.seq)).toBe(true);
    }
  });
});
