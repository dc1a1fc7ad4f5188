// A member's answers: one event per moment, run in the order given, answers
// given while a batch runs wait for an event of their own, and a callback
// that throws loses none of the others.
import { describe, expect, it } from 'vitest';
import { Completions } from '../../src/engine/server/completions.ts';

/** A loop of queued events, run one at a time. */
function loop(): { soon: (fn: () => void) => void; events: (() => void)[]; runOne: () => void } {
  const events: (() => void)[] = [];
  return { soon: (fn) => events.push(fn), events, runOne: () => events.shift()!() };
}

describe('Completions', () => {
  it('answers of one moment share one event and run in order, with their errors and responses', () => {
    const l = loop();
    const c = new Completions(l.soon);
    const got: string[] = [];
    for (const k of ['a', 'b', 'c']) c.add<string>((err, resp) => got.push(`${k}:${err?.message ?? resp}`), k === 'b' ? { message: 'no', code: 'Unknown' } : undefined, k.toUpperCase());
    expect(l.events).toHaveLength(1);
    expect(got).toEqual([]);
    l.runOne();
    expect(got).toEqual(['a:A', 'b:no', 'c:C']);
  });

  it('an answer given while a batch runs waits for an event of its own, even when a callback runs the loop itself', () => {
    const l = loop();
    const c = new Completions(l.soon);
    const got: string[] = [];
    c.add(() => {
      got.push('first');
      c.add(() => got.push('given meanwhile'), undefined);
      // A callback that drives the loop (a nested run) must not disturb the batch in progress.
      l.runOne();
    }, undefined);
    c.add(() => got.push('second'), undefined);
    l.runOne();
    expect(got).toEqual(['first', 'given meanwhile', 'second']);
    c.add(() => got.push('later'), undefined);
    l.runOne();
    expect(got).toEqual(['first', 'given meanwhile', 'second', 'later']);
    expect(l.events).toHaveLength(0);
  });

  it('a callback that throws loses no other answer: the rest go first in the next event', () => {
    const l = loop();
    const c = new Completions(l.soon);
    const got: string[] = [];
    c.add(() => got.push('a'), undefined);
    c.add(() => {
      c.add(() => got.push('given meanwhile'), undefined);
      throw new Error('boom');
    }, undefined);
    c.add(() => got.push('c'), undefined);
    expect(() => l.runOne()).toThrow('boom');
    expect(l.events).toHaveLength(1);
    l.runOne();
    expect(got).toEqual(['a', 'c', 'given meanwhile']);
    expect(l.events).toHaveLength(0);
  });
});
