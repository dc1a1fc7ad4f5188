// Cluster, Maintenance and Auth over gRPC with the real etcdctl. The
// golden steps (golden/admin.jsonl, from a real etcd 3.4.23) cover member
// list in every format, hash/hashkv/defrag, refused membership changes,
// roles and users, auth enable with --user and the errors it brings. The
// rest checks what cannot be byte-equal (sizes, timings, snapshot bytes).
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ctl, readGolden, runSteps, useSingleServer } from './harness.ts';

describe('serve: Cluster, Maintenance and Auth with the real etcdctl', () => {
  const srv = useSingleServer();

  it('answers the golden steps as etcd 3.4.23 does', async () => {
    const golden = readGolden('admin.jsonl');
    const got = await runSteps(srv.ep, golden);
    for (let i = 0; i < golden.length; i++) expect({ step: i, ...got[i] }).toEqual({ step: i, ...golden[i] });
  });

  it('reports endpoint status and health', async () => {
    const raw = (await ctl(srv.ep, ['endpoint', 'status', '-w', 'json'])).out;
    const st = JSON.parse(raw)[0].Status;
    expect(st.version).toBe('3.4.23');
    // uint64 IDs keep every digit on the wire (JSON numbers here lose the low ones).
    expect(raw).toContain('"member_id":10276657743932975437');
    expect(raw).toContain('"leader":10276657743932975437');
    expect(st.raftTerm).toBeGreaterThanOrEqual(2);
    expect(st.raftAppliedIndex).toBe(st.raftIndex);
    const table = (await ctl(srv.ep, ['endpoint', 'status', '-w', 'table'])).out;
    expect(table).toMatch(/\| 127\.0\.0\.1:\d+ \| 8e9e05c52164694d \|  3\.4\.23 \| .* \|      true \|      false \|/);
    const health = await ctl(srv.ep, ['endpoint', 'health']);
    // etcdctl prints health results on stderr.
    expect(health.err).toMatch(/^127\.0\.0\.1:\d+ is healthy: successfully committed proposal: took = [\d.]+[mµ]?s\n$/);
  });

  it('streams a snapshot etcdctl saves whole (store, then its sha256)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'serve-snap-'));
    try {
      const file = join(dir, 'snap.db');
      const r = await ctl(srv.ep, ['snapshot', 'save', file]);
      expect(r.out).toBe(`Snapshot saved at ${file}\n`);
      const b = readFileSync(file);
      expect(b.length).toBeGreaterThan(32);
      const digest = createHash('sha256').update(b.subarray(0, b.length - 32)).digest();
      expect(Buffer.compare(digest, b.subarray(b.length - 32))).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
