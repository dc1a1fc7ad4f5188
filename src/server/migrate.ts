// etcd-playground migrate: copies a playground's keyspace into a real etcd
// cluster over etcd's gRPC API. Leases are granted again on the target with
// the TTL they have left (the same lease ID when it is free) and their keys
// attached; keys whose lease has already expired are skipped, as they are
// about to go. The source is read at one revision, page by page, so the
// copy is one consistent instant even while the source keeps changing.
//
// The source is an etcd endpoint (another playground server, or any etcd),
// or a playground file or stopped data dir, which is served in this process
// for the copy (on free local ports, disks in a temporary directory, faults
// off and every member up, so its keys can be read).
import { mkdtempSync, rmSync } from 'node:fs';
import { freePort } from './free-port.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NO_FAULTS, type PlaygroundFile } from '../engine/cluster/playground-file.ts';
import { serveConfig } from './flags.ts';
import { EtcdCallError, EtcdClient, type KeyValue } from './grpc/client.ts';
import { importConfigOf } from './import.ts';
import { EtcdLogger } from './log.ts';
import { serve } from './serve.ts';

/** etcd's --max-txn-ops default, and a request size well under --max-request-bytes. */
const MAX_TXN_OPS = 128;
const MAX_TXN_BYTES = 1024 * 1024;
const PAGE = 1000;
/** How long a served playground may take to elect a leader. */
const READY_MS = 30_000;

export interface MigrateSummary {
  /** The source revision the copy was read at. */
  revision: string;
  keys: number;
  bytes: number;
  leases: number;
  /** Leases whose ID was taken on the target and got a new one. */
  renumbered: number;
  /** Keys left out because their lease expired before it could be granted again. */
  expiredKeys: number;
}

interface LeaseCopy {
  ttl: number;
  target?: string;
}

/** Every key of the source at one revision, page by page. */
async function* allKeys(src: EtcdClient): AsyncGenerator<KeyValue[], string> {
  let key = Buffer.from([0]);
  let revision = '0';
  for (;;) {
    const r = await src.range({ key, rangeEnd: Buffer.from([0]), limit: PAGE, revision });
    if (revision === '0') revision = r.header.revision;
    if (r.kvs.length > 0) yield r.kvs;
    if (!r.more || r.kvs.length === 0) return revision;
    key = Buffer.concat([r.kvs[r.kvs.length - 1]!.key, Buffer.from([0])]);
  }
}

/** The source's live leases with the TTL each has left. */
async function sourceLeases(src: EtcdClient): Promise<Map<string, LeaseCopy>> {
  const out = new Map<string, LeaseCopy>();
  for (const { ID } of (await src.leaseLeases()).leases) {
    const t = await src.leaseTimeToLive(ID);
    const ttl = Number(t.TTL);
    if (ttl > 0) out.set(ID, { ttl });
  }
  return out;
}

async function grant(dst: EtcdClient, id: string, ttl: number): Promise<{ id: string; renumbered: boolean }> {
  try {
    return { id: (await dst.leaseGrant(ttl, id)).ID, renumbered: false };
  } catch (e) {
    if (!(e instanceof EtcdCallError) || !/lease already exists/.test(e.message)) throw e;
    return { id: (await dst.leaseGrant(ttl)).ID, renumbered: true };
  }
}

/** Copies src's keyspace into dst; progress lines go to note. */
export async function copyKeyspace(src: EtcdClient, dst: EtcdClient, note: (line: string) => void = () => {}): Promise<MigrateSummary> {
  await Promise.all([src.ready(), dst.ready()]);
  const leases = await sourceLeases(src);
  const sum: MigrateSummary = { revision: '0', keys: 0, bytes: 0, leases: 0, renumbered: 0, expiredKeys: 0 };
  for (const [id, l] of leases) {
    const g = await grant(dst, id, l.ttl);
    l.target = g.id;
    sum.leases++;
    if (g.renumbered) {
      sum.renumbered++;
      note(`lease ${BigInt(id).toString(16)} is taken on the target: granted as ${BigInt(g.id).toString(16)}`);
    }
  }
  let ops: unknown[] = [];
  let size = 0;
  const flush = async (): Promise<void> => {
    if (ops.length === 0) return;
    await dst.txn({ success: ops });
    ops = [];
    size = 0;
  };
  const keys = allKeys(src);
  for (;;) {
    const page = await keys.next();
    if (page.done) {
      sum.revision = page.value;
      break;
    }
    for (const kv of page.value) {
      let lease = '0';
      if (kv.lease !== '0') {
        const l = leases.get(kv.lease);
        if (!l?.target) {
          sum.expiredKeys++;
          continue;
        }
        lease = l.target;
      }
      const bytes = kv.key.length + kv.value.length;
      if (ops.length >= MAX_TXN_OPS || (ops.length > 0 && size + bytes > MAX_TXN_BYTES)) await flush();
      ops.push({ requestPut: { key: kv.key, value: kv.value, lease } });
      size += bytes;
      sum.keys++;
      sum.bytes += bytes;
    }
  }
  await flush();
  return sum;
}

/** Serves a playground file in this process for fn to read through its endpoint; cleans up after. */
export async function withServedPlayground<T>(file: PlaygroundFile, fn: (endpoint: string) => Promise<T>): Promise<T> {
  const tmp = mkdtempSync(join(tmpdir(), 'etcd-playground-migrate-'));
  try {
    const up: PlaygroundFile = {
      ...file,
      network: NO_FAULTS,
      cluster: { ...file.cluster, nodes: file.cluster.nodes.map((n) => (n.life === 'stopped' ? n : { ...n, life: 'running' })) },
    };
    const n = up.cluster.nodes.filter((x) => x.life !== 'stopped').length;
    const urls: string[] = [];
    for (let i = 0; i < n; i++) urls.push(`http://127.0.0.1:${await freePort()}`);
    const base = serveConfig(['--data-dir', join(tmp, 'data'), '--listen-client-urls', urls.join(','), '--advertise-client-urls', urls.join(',')]);
    const cfg = importConfigOf(base, up, file.name);
    const served = await serve(cfg, new EtcdLogger(() => {}));
    try {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the members of playground "${file.name}" did not elect a leader within ${READY_MS / 1000} s`)), READY_MS);
      });
      await Promise.race([served.ready, late]).finally(() => clearTimeout(timer));
      return await fn(urls.join(','));
    } finally {
      await served.close();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
