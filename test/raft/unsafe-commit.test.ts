// The test-only switch that drops the current-term commit rule (§5.4.2): with
// it a leader commits an earlier term's entry as soon as a quorum holds it,
// which is exactly what Figure 8 shows to be unsafe. The fuzz plants it as
// --bug commit-prior-term and must catch it.
import { describe, expect, it } from 'vitest';
import { NONE, msg } from '../../src/engine/raft/types.ts';
import { ents, newStorage, newTestRaft, prop, readMessages } from './paper-helpers.ts';

/** A term-3 leader of 1, 2, 3 whose log holds entries 1-2 of term 2, its empty entry 3 and a proposal 4. */
function leader(unsafeCommitPriorTerms: boolean) {
  const s = newStorage(['1', '2', '3']);
  s.append(ents(1, 1, 2));
  s.setHardState({ term: 2, vote: NONE, commit: 0 });
  const r = newTestRaft('1', 10, 1, s, { unsafeCommitPriorTerms });
  r.becomeCandidate();
  r.becomeLeader();
  readMessages(r);
  r.step(prop(''));
  return r;
}

describe('unsafeCommitPriorTerms', () => {
  it.each([
    [false, 2, 0],
    [true, 2, 2],
    [true, 1, 1],
    [false, 3, 3],
    [true, 4, 4],
  ])('switch %s: a follower acking up to %i commits %i', (unsafe, index, wcommit) => {
    const r = leader(unsafe);
    r.step(msg({ type: 'MsgAppResp', from: '2', to: '1', term: r.term, index }));
    expect(r.raftLog.committed).toBe(wcommit);
  });

  it('is off unless asked for', () => {
    expect(newTestRaft('1', 10, 1, newStorage(['1'])).cfg.unsafeCommitPriorTerms).toBe(false);
  });
});
