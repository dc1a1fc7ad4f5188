import { describe, expect, it } from 'vitest';
import { Prng } from '../../src/engine/util/prng.ts';

const draw = (p: Prng, n: number) => Array.from({ length: n }, () => p.u32());

describe('Prng', () => {
  it('replays the same sequence for the same seed', () => {
    expect(draw(new Prng(7), 100)).toEqual(draw(new Prng(7), 100));
    expect(draw(new Prng(7), 10)).not.toEqual(draw(new Prng(8), 10));
  });

  it('is pinned: the first outputs for seed 1 never change between versions', () => {
    // A change here would silently change every recorded seed's run.
    expect(draw(new Prng(1), 3)).toEqual([1422497811, 2365969376, 3353355597]);
    const f = new Prng(1).fork('network');
    expect([f.seed, f.u32()]).toEqual([700443872, 387102289]);
  });

  it('keeps values in range', () => {
    const p = new Prng(123);
    for (let i = 0; i < 10000; i++) {
      const x = p.next();
      expect(x >= 0 && x < 1).toBe(true);
      const k = p.int(10);
      expect(Number.isInteger(k) && k >= 0 && k < 10).toBe(true);
      const r = p.range(5, 7);
      expect(r >= 5 && r < 7).toBe(true);
    }
    expect(p.range(3, 3)).toBe(3);
  });

  it('is roughly uniform', () => {
    const p = new Prng(99);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 100000; i++) counts[p.int(10)]++;
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(500);
  });

  it('forks depend only on the seed and label, never on draws so far', () => {
    const a = new Prng(5);
    const b = new Prng(5);
    draw(b, 1000);
    expect(draw(a.fork('node/1'), 20)).toEqual(draw(b.fork('node/1'), 20));
    expect(draw(a.fork('node/1'), 20)).not.toEqual(draw(a.fork('node/2'), 20));
    expect(draw(a.fork('x').fork('y'), 5)).toEqual(draw(b.fork('x').fork('y'), 5));
    // Forking does not consume the parent's stream.
    const c = new Prng(5);
    const d = new Prng(5);
    c.fork('anything');
    expect(draw(c, 10)).toEqual(draw(d, 10));
  });

  it('chance(0) and chance(1) never draw', () => {
    const a = new Prng(3);
    const b = new Prng(3);
    expect(a.chance(0)).toBe(false);
    expect(a.chance(1)).toBe(true);
    expect(a.u32()).toBe(b.u32());
  });
});
