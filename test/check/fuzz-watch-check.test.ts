// The watch check on hand-made records: etcd 3.4.23's known bug #18089 (a
// watch starting exactly at a compacted revision that only deleted misses
// those DELETEs) is excused unless strict, and nothing wider than that is.
import { describe, expect, it } from 'vitest';
import { RaftSafetyChecker } from '../../src/engine/check/raft-safety.ts';
import type { Event } from '../../src/engine/mvcc/types.ts';
import type { WatchResponse } from '../../src/engine/mvcc/watch-types.ts';
import { EtcdCluster } from '../../src/engine/server/etcd-cluster.ts';
import { checkWatch } from '../../src/engine/server/fuzz/check-watch.ts';
import type { Compaction } from '../../src/engine/server/fuzz/history.ts';
import { HistoryRecorder, type Kv } from '../../src/engine/server/fuzz/recorder.ts';
import type { WatchRecord } from '../../src/engine/server/fuzz/watches.ts';
import { utf8 } from '../../src/engine/util/bytes.ts';

const kv = (key: string, value: string, c: number, m: number, v: number): Kv => ({ key, value, createRevision: c, modRevision: m, version: v, lease: '0' });

/** The committed history: k1 put at 2, deleted at 3, put again at 4. */
function history(): HistoryRecorder {
  const ref = new HistoryRecorder(new EtcdCluster({ nodes: 1, traceCapacity: 0 }), new RaftSafetyChecker());
  ref.revisions.set(2, [{ type: 'PUT', kv: kv('k1', 'a', 2, 2, 1) }]);
  ref.revisions.set(3, [{ type: 'DELETE', kv: kv('k1', '', 0, 3, 0) }]);
  ref.revisions.set(4, [{ type: 'PUT', kv: kv('k1', 'b', 4, 4, 1) }]);
  return ref;
}

const put4: Event = { type: 'PUT', kv: { key: utf8('k1'), value: utf8('b'), createRevision: 4, modRevision: 4, version: 1, lease: '0' } };

/** A watch on k1 from revision 3 whose only response (at 10 ms) carries revision 4. */
function watchFrom3(): WatchRecord {
  const resp: WatchResponse = {
    header: { clusterId: '1', memberId: '1', revision: 4, raftTerm: 2 },
    watchId: 0,
    created: false,
    canceled: false,
    compactRevision: 0,
    cancelReason: '',
    fragment: false,
    events: [put4],
  };
  return { id: 0, spec: { key: 'k1', prevKv: false, startRevision: 3 }, openedAt: 0, responses: [resp], resumesAt: [0], times: [10], cw: undefined as never };
}

const compacted = (revision: number): Compaction[] => [{ revision, at: 5, outcome: 'ok' }];

describe('watch check: etcd-io/etcd#18089', () => {
  it('strict mode reports the DELETE lost to compacting at exactly the start revision', () => {
    const f = checkWatch(history(), watchFrom3(), 4, compacted(3), true);
    expect(f?.check).toBe('watch-reliable');
    expect(f?.witness).toMatch(/revision 3 \(DELETE k1@3\) never delivered: response 0 jumps from 2 to 4/);
  });

  it('is excused by default', () => {
    expect(checkWatch(history(), watchFrom3(), 4, compacted(3))).toBeUndefined();
  });

  it('is not excused when the compaction was elsewhere, or came after the response', () => {
    expect(checkWatch(history(), watchFrom3(), 4, compacted(2))?.check).toBe('watch-reliable');
    expect(checkWatch(history(), watchFrom3(), 4, [{ revision: 3, at: 20, outcome: 'ok' }])?.check).toBe('watch-reliable');
  });
});
