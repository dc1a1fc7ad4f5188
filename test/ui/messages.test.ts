import { describe, expect, it } from 'vitest';
import type { MessageRecord, TraceRecord } from '../../src/engine/cluster/trace.ts';
import { MessageTracker, isResponse, kindOf } from '../../src/ui/model/messages.ts';

function rec(mid: number, over: Partial<MessageRecord> = {}): MessageRecord {
  return { mid, from: 'a', to: 'b', type: 'MsgApp', term: 2, logTerm: 1, index: 5, commit: 4, entries: 1, reject: false, ...over };
}
const send = (t: number, r: MessageRecord): TraceRecord => ({ t, kind: 'send', ...r });
const deliver = (t: number, r: MessageRecord): TraceRecord => ({ t, kind: 'deliver', ...r });

describe('message kinds', () => {
  it('classifies raft message types', () => {
    expect(kindOf('MsgPreVote')).toBe('prevote');
    expect(kindOf('MsgHeartbeatResp')).toBe('heartbeat-resp');
    expect(kindOf('MsgSnap')).toBe('snapshot');
    expect(kindOf('MsgReadIndex')).toBe('other');
    expect(isResponse('vote-resp')).toBe(true);
    expect(isResponse('vote')).toBe(false);
  });
});

describe('MessageTracker', () => {
  it('follows virtual time when the simulation is slow', () => {
    const t = new MessageTracker({ minWallMs: 100 });
    const r = rec(1);
    t.record(send(1000, r), 0, 10);
    t.record(deliver(1010, r), 0);
    // Half the virtual hop gone, lots of wall time: the virtual progress rules.
    expect(t.frame(1005, 5000)[0]!.p).toBeCloseTo(0.5);
    expect(t.frame(1010, 5000)).toEqual([]); // landed and forgotten
  });

  it('stretches a fast hop to the minimum wall time', () => {
    const t = new MessageTracker({ minWallMs: 400 });
    const r = rec(1);
    t.record(send(0, r), 1000, 3);
    t.record(deliver(3, r), 1000);
    expect(t.frame(50, 1100)[0]!.p).toBeCloseTo(0.25);
    expect(t.frame(50, 1400)).toEqual([]);
  });

  it('holds an undelivered message short of the receiver', () => {
    const t = new MessageTracker({ minWallMs: 10 });
    t.record(send(0, rec(1)), 0, 3);
    const [m] = t.frame(100, 1000);
    expect(m!.p).toBe(0.95);
    expect(m!.endT).toBeUndefined();
  });

  it('bursts a dropped message on its link, then forgets it', () => {
    const t = new MessageTracker({ minWallMs: 100, burstWallMs: 200 });
    const r = rec(7);
    t.record(send(0, r), 0, 3);
    t.record({ t: 0, kind: 'drop', reason: 'partition', ...r }, 0);
    const [m] = t.frame(0, 100);
    expect(m!.dropped).toBe('partition');
    expect(m!.p).toBe(0.2); // dropped on sending: still drawn on the link
    expect(m!.burst).toBeCloseTo(0.5);
    expect(t.frame(0, 250)).toEqual([]);
  });

  it('keeps at most cap messages, dropping the oldest', () => {
    const t = new MessageTracker({ cap: 3 });
    for (let i = 0; i < 5; i++) t.record(send(0, rec(i)), 0);
    expect(t.frame(0, 0).map((m) => m.mid)).toEqual([2, 3, 4]);
  });

  it('remembers heartbeat senders for the pulse', () => {
    const t = new MessageTracker();
    expect(t.sinceBeat('a', 0)).toBe(Infinity);
    t.record(send(0, rec(1, { type: 'MsgHeartbeat' })), 500);
    expect(t.sinceBeat('a', 700)).toBe(200);
    t.clear();
    expect(t.size).toBe(0);
  });
});
