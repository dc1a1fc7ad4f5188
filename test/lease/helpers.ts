// Shared fixtures for the lessor tests: a lessor with etcd's default minimum
// TTL, and a fake store that records each revoke txn and detaches deleted keys
// the way etcd's mvcc does.
import { Lessor, type LessorConfig } from '../../src/engine/lease/lessor.ts';
import type { LeaseID, LeaseResult, RangeDeleter } from '../../src/engine/lease/types.ts';
import { fromUtf8, utf8 } from '../../src/engine/util/bytes.ts';

export const k = (s: string): Uint8Array => utf8(s);
export const names = (keys: Uint8Array[]): string[] => keys.map(fromUtf8);

/** Unwraps a successful LeaseResult (fails the test with the error otherwise). */
export function ok<T>(r: LeaseResult<T>): T {
  if (!r.ok) throw new Error(`expected success, got ${r.error}`);
  return r.value;
}

export class FakeStore implements RangeDeleter {
  /** Each deleteKeys call: one txn. */
  readonly txns: string[][] = [];
  readonly data = new Map<string, LeaseID>();
  lessor: Lessor | undefined;

  deleteKeys(keys: Uint8Array[]): void {
    this.txns.push(names(keys));
    for (const key of keys) {
      const name = fromUtf8(key);
      const lease = this.data.get(name);
      this.data.delete(name);
      if (lease !== undefined) this.lessor?.detach(lease, [key]);
    }
  }

  /** A put with a lease, as mvcc does it: detach from the old lease, attach to the new. */
  put(name: string, lease: LeaseID): void {
    const old = this.data.get(name);
    if (old !== undefined && old !== '0') ok(this.lessor!.detach(old, [k(name)]));
    this.data.set(name, lease);
    if (lease !== '0') ok(this.lessor!.attach(lease, [k(name)]));
  }
}

export function newLessor(cfg: Partial<LessorConfig> = {}): { lessor: Lessor; store: FakeStore } {
  const store = new FakeStore();
  const lessor = new Lessor({ minLeaseTTL: 2, rangeDeleter: store, ...cfg });
  store.lessor = lessor;
  return { lessor, store };
}
