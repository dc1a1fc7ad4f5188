// KV over gRPC: the real etcdctl against `serve` prints exactly what it
// prints against a real etcd 3.4.23 (golden/kv.jsonl, captured from one):
// put/get/del with --prefix, --prev-kv, --rev, -w json/fields, txn both
// ways, compaction and the errors (compacted, future revision, empty key,
// missing lease).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Running, readGolden, runSteps, singleServer } from './harness.ts';

describe('serve: KV with the real etcdctl', () => {
  let server: Running;
  let EP = '';
  beforeAll(async () => {
    ({ ep: EP, server } = await singleServer());
  });
  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
  });

  it('answers every step as etcd 3.4.23 does', async () => {
    const golden = readGolden('kv.jsonl');
    const got = await runSteps(EP, golden);
    for (let i = 0; i < golden.length; i++) expect({ step: i, ...got[i] }).toEqual({ step: i, ...golden[i] });
  });
});
