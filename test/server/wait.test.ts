// The request path's waiters: found by their own ID only (never by another
// member's ID that lands on the same slot), waiters whose slot is taken still
// answered, and a stopping server failing them all, oldest first.
import { describe, expect, it } from 'vitest';
import { Wait } from '../../src/engine/server/wait.ts';
import { IdGenerator } from '../../src/engine/lease/idgen.ts';

describe('Wait', () => {
  it('answers each waiter once, by its own ID only', () => {
    const got: string[] = [];
    const w = new Wait<string, number>((name, x) => got.push(`${name}:${x}`));
    const mine = new IdGenerator('8e9e05c52164694d', 1_600_000_000_000);
    const theirs = new IdGenerator('91bc3c398fb3c146', 1_600_000_000_000);
    const a = mine.next();
    const b = mine.next();
    w.register(a, 'a');
    w.register(b, 'b');
    expect(() => w.register(a, 'again')).toThrow(`dup id ${a}`);
    // Another member's IDs have the same low bits: they find nobody.
    const foreign = theirs.next();
    expect(foreign.slice(-4)).toBe(a.slice(-4));
    expect(w.isRegistered(foreign)).toBe(false);
    expect(w.trigger(foreign, 0)).toBe(false);
    expect(w.trigger(b, 2)).toBe(true);
    expect(w.trigger(b, 2)).toBe(false);
    expect(w.take(a)).toBe('a');
    expect(w.size).toBe(0);
    expect(got).toEqual(['b:2']);
  });

  it('keeps waiters whose slot is taken, and a stopping server fails them all, oldest first', () => {
    const got: string[] = [];
    const w = new Wait<string, number>((name, x) => got.push(`${name}:${x}`));
    const gen = new IdGenerator('8e9e05c52164694d', 1_600_000_000_000);
    // 20,000 waiting at once: far more than there are slots.
    const ids = Array.from({ length: 20_000 }, () => gen.next());
    ids.forEach((id, i) => w.register(id, `w${i}`));
    expect(w.size).toBe(20_000);
    expect(w.trigger(ids[12_345]!, 7)).toBe(true);
    expect(w.trigger(ids[3]!, 8)).toBe(true);
    expect(w.isRegistered(ids[19_999]!)).toBe(true);
    got.length = 0;
    w.giveUpAll();
    expect(w.size).toBe(0);
    expect(got).toEqual(ids.map((_, i) => `w${i}:undefined`).filter((_, i) => i !== 3 && i !== 12_345));
    expect(w.isRegistered(ids[0]!)).toBe(false);
  });
});
