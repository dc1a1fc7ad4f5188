// Range as etcd's applier serves it (etcdserver/apply.go Range): limit,
// min/max revision filters, sorting and keys-only on top of the store's range.
//
// etcd's quirks are kept on purpose: count is every key in the range (the
// filters do not reduce it); sorting or filtering reads the whole range before
// truncating to limit, but a sort target given without a sort order does not
// (it sorts only the first limit + 1 keys, verified on etcd 3.4.23). Sorting
// is Go's unstable sort.Sort (go-sort.ts), so ties come out as etcd has them.
import { compareBytes, rangeEndOf, toBinary } from './binary.ts';
import type { KvRecord } from './backend.ts';
import { toKeyValue } from './events.ts';
import { goSort } from './go-sort.ts';
import { header, type RangeRequest, type RangeResponse, type SortTarget } from './rpc.ts';
import type { ReadView } from './store-txn.ts';

type Less = (a: KvRecord, b: KvRecord) => boolean;

/** etcd's kvSortBy* Less functions (binary strings compare as bytes.Compare does). */
const LESS: Record<SortTarget, Less> = {
  KEY: (a, b) => a.key < b.key,
  VERSION: (a, b) => a.version < b.version,
  CREATE: (a, b) => a.createRevision < b.createRevision,
  MOD: (a, b) => a.modRevision < b.modRevision,
  VALUE: (a, b) => compareBytes(a.value, b.value) < 0,
};

/**
 * Serves a RangeRequest from a read view (the store, or a txn in progress).
 * Throws KvError for a compacted or future revision.
 */
export function applyRange(rv: ReadView, r: RangeRequest): RangeResponse {
  const minMod = r.minModRevision ?? 0;
  const maxMod = r.maxModRevision ?? 0;
  const minCreate = r.minCreateRevision ?? 0;
  const maxCreate = r.maxCreateRevision ?? 0;
  const filtered = minMod !== 0 || maxMod !== 0 || minCreate !== 0 || maxCreate !== 0;
  let order = r.sortOrder ?? 'NONE';
  const target = r.sortTarget ?? 'KEY';
  const reqLimit = r.limit ?? 0;

  // Fetch everything when results must be sorted or filtered first; else one extra for `more`.
  let limit = order !== 'NONE' || filtered ? 0 : reqLimit;
  if (limit > 0) limit++;

  const rr = rv.range(toBinary(r.key), rangeEndOf(r.rangeEnd), { limit, rev: r.revision ?? 0, count: r.countOnly ?? false });
  let recs = rr.records;
  if (filtered) {
    recs = recs.filter(
      (kv) =>
        !(maxMod !== 0 && kv.modRevision > maxMod) &&
        !(minMod !== 0 && kv.modRevision < minMod) &&
        !(maxCreate !== 0 && kv.createRevision > maxCreate) &&
        !(minCreate !== 0 && kv.createRevision < minCreate),
    );
  }

  // The store returns keys ascending, so only a non-key target needs a default order.
  if (target !== 'KEY' && order === 'NONE') order = 'ASCEND';
  if (order !== 'NONE' && recs.length > 1) {
    const less = LESS[target];
    // Go's unstable sort.Sort, and sort.Reverse for DESCEND, so ties land where etcd puts them.
    goSort(recs, order === 'ASCEND' ? less : (a, b) => less(b, a));
  }

  let more = false;
  if (reqLimit > 0 && recs.length > reqLimit) {
    recs.length = reqLimit;
    more = true;
  }

  const keysOnly = r.keysOnly ?? false;
  const kvs = new Array(recs.length);
  for (let i = 0; i < recs.length; i++) kvs[i] = toKeyValue(recs[i]!, keysOnly);
  return { header: header(rr.rev), kvs, more, count: rr.count };
}
