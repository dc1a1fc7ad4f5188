// The forward-looking commit check: a committed entry must be out of reach of
// any election a voter lacking it could win (Raft paper, Figure 8).
import { describe, expect, it } from 'vitest';
import { type LogTip, electableWithout } from '../../src/engine/check/electable.ts';

/** A log of the given terms at indexes 1..n. */
function log(...terms: number[]): LogTip {
  return { first: 1, last: terms.length, lastTerm: terms.at(-1) ?? 0, termAt: (i) => (i === 0 ? 0 : terms[i - 1]) };
}

describe('electableWithout', () => {
  const voters = ['s1', 's2', 's3', 's4', 's5'];

  it('flags Figure 8 (c): entry 2 of term 2 on a majority, but s5 holds term 3 there', () => {
    const logs = new Map([
      ['s1', log(1, 2, 4)],
      ['s2', log(1, 2)],
      ['s3', log(1, 2)],
      ['s4', log(1)],
      ['s5', log(1, 3)],
    ]);
    const why = electableWithout(2, 2, voters, logs);
    expect(why).toMatch(/^committed entry at risk: s5 lacks entry 2 \(term 2\), yet its log \(last index 2, term 3\) is as up-to-date as those of 4 of 5 voters \(s2, s3, s4, s5\)/);
  });

  it('accepts Figure 8 (e): once s1 replicated its term-4 entry to a majority, s5 cannot win', () => {
    const logs = new Map([
      ['s1', log(1, 2, 4)],
      ['s2', log(1, 2, 4)],
      ['s3', log(1, 2, 4)],
      ['s4', log(1)],
      ['s5', log(1, 3)],
    ]);
    expect(electableWithout(3, 4, voters, logs)).toBeUndefined();
    expect(electableWithout(2, 2, voters, logs)).toBeUndefined();
  });

  it('a follower that is merely behind is no risk, and a compacted index counts as held', () => {
    const logs = new Map([
      ['s1', log(1, 1, 2)],
      ['s2', log(1, 1, 2)],
      ['s3', log(1)],
    ]);
    expect(electableWithout(3, 2, ['s1', 's2', 's3'], logs)).toBeUndefined();
    const compacted: LogTip = { first: 3, last: 3, lastTerm: 2, termAt: (i) => (i === 2 ? 1 : i === 3 ? 2 : undefined) };
    expect(electableWithout(2, 1, ['s1', 's2', 's3'], new Map([...logs, ['s1', compacted]]))).toBeUndefined();
  });

  it('only voters campaign: a removed member lacking the entry is no risk', () => {
    const logs = new Map([
      ['s1', log(1, 2)],
      ['s2', log(1, 2)],
      ['gone', log(1, 3)],
    ]);
    expect(electableWithout(2, 2, ['s1', 's2'], logs)).toBeUndefined();
  });
});
