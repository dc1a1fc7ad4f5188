// The lessor's persisted state: every lease's ID, granted TTL, checkpointed
// remaining TTL and keys (etcd keeps leasepb.Lease{ID, TTL, RemainingTTL} in its
// "lease" bucket and re-attaches keys from the kv store on recovery). Live
// expiries are not included: they are per-member and never replicated, so the
// bytes are the same on every member that applied the same entries.
import { fromBase64, fromUtf8, toBase64, utf8 } from '../util/bytes.ts';
import { compareLeaseIds, isLeaseId } from './id.ts';
import { byteOrder, keyString } from './lease.ts';
import type { PersistedLease } from './types.ts';

const FORMAT = 'etcd-playground/lessor';
const VERSION = 1;

interface Encoded {
  format: string;
  version: number;
  leases: { ID: string; TTL: number; remainingTTL: number; keys: string[] }[];
}

/** Encodes leases in ID order with keys in byte order, so equal states give equal bytes. */
export function encodeLeases(leases: readonly PersistedLease[]): Uint8Array {
  const sorted = [...leases].sort((a, b) => compareLeaseIds(a.ID, b.ID));
  const doc: Encoded = {
    format: FORMAT,
    version: VERSION,
    leases: sorted.map((l) => ({
      ID: l.ID,
      TTL: l.TTL,
      remainingTTL: l.remainingTTL,
      keys: [...l.keys].sort((a, b) => byteOrder(keyString(a), keyString(b))).map(toBase64),
    })),
  };
  return utf8(JSON.stringify(doc));
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n);
}

/** Decodes encodeLeases' bytes; throws on anything else rather than guess. */
export function decodeLeases(bytes: Uint8Array): PersistedLease[] {
  const doc = JSON.parse(fromUtf8(bytes)) as Partial<Encoded>;
  if (doc.format !== FORMAT || doc.version !== VERSION || !Array.isArray(doc.leases)) {
    throw new Error('lessor snapshot: unknown format');
  }
  return doc.leases.map((l) => {
    if (!isLeaseId(l.ID) || !isCount(l.TTL) || !isCount(l.remainingTTL) || !Array.isArray(l.keys)) {
      throw new Error(`lessor snapshot: bad lease ${JSON.stringify(l)}`);
    }
    return { ID: l.ID, TTL: l.TTL, remainingTTL: l.remainingTTL, keys: l.keys.map(fromBase64) };
  });
}
