// KV over gRPC: the real etcdctl against `serve` prints exactly what it
// prints against a real etcd 3.4.23 (golden/kv.jsonl, captured from one):
// put/get/del with --prefix, --prev-kv, --rev, -w json/fields, txn both
// ways, compaction and the errors (compacted, future revision, empty key,
// missing lease).
import { describe, expect, it } from 'vitest';
import { readGolden, runSteps, useSingleServer } from './harness.ts';

describe('serve: KV with the real etcdctl', () => {
  const srv = useSingleServer();

  it('answers every step as etcd 3.4.23 does', async () => {
    const golden = readGolden('kv.jsonl');
    const got = await runSteps(srv.ep, golden);
    for (let i = 0; i < golden.length; i++) expect({ step: i, ...got[i] }).toEqual({ step: i, ...golden[i] });
  });
});
