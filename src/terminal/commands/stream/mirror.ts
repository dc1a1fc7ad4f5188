// etcdctl make-mirror (3.4.23): copies the keys under --prefix as of one
// revision to a destination cluster (renaming the prefix), then replays
// every later change, one destination txn per source revision. It prints
// the number of keys mirrored every 30 s and runs until killed.
import type { WatchResponse } from '../../../engine/mvcc/watch-types.ts';
import type { RequestOp } from '../../../engine/mvcc/rpc.ts';
import { Client } from '../../../engine/client/index.ts';
import { prefixEnd } from '../../../engine/client/prefix.ts';
import type { CommandSpec } from '../../core/command.ts';
import type { CommandContext } from '../../core/context.ts';
import { ExitBadArgs, ExitError } from '../../core/io.ts';
import { failRequest, utf8 } from '../../print/index.ts';
import { AsyncQueue, NO_TIMEOUT_MS, mustClient } from './util.ts';

/** The interval of make-mirror's progress line. */
const REPORT_INTERVAL_MS = 30_000;

/** strings.Replace(key, from, to, 1) on raw bytes. */
function replaceFirst(key: Uint8Array, from: Uint8Array, to: Uint8Array): Uint8Array {
  let at = -1;
  for (let i = 0; i + from.length <= key.length && at < 0; i++) {
    let k = 0;
    while (k < from.length && key[i + k] === from[k]) k++;
    if (k === from.length) at = i;
  }
  if (at < 0) return key;
  const out = new Uint8Array(key.length - from.length + to.length);
  out.set(key.subarray(0, at));
  out.set(to, at);
  out.set(key.subarray(at + from.length), at + to.length);
  return out;
}

async function makeMirror(ctx: CommandContext, dest: string): Promise<void> {
  const g = ctx.globals;
  const dc = new Client(ctx.world.net, { endpoints: [dest], commandTimeoutMs: g.commandTimeoutMs, dialTimeoutMs: g.dialTimeoutMs });
  ctx.onExit(() => dc.close());
  const c = mustClient(ctx);
  let total = 0;
  let running = true;
  ctx.onExit(() => (running = false));
  const report = (): void => {
    if (!running) return;
    ctx.out(`${total}\n`);
    ctx.world.net.after(REPORT_INTERVAL_MS, report);
  };
  ctx.world.net.after(REPORT_INTERVAL_MS, report);

  const prefix = utf8(ctx.str('prefix'));
  const noDest = ctx.bool('no-dest-prefix');
  let destPrefix = utf8(ctx.str('dest-prefix'));
  const call = async <T>(p: Promise<T>): Promise<T> => {
    try {
      return await p;
    } catch (e) {
      return failRequest(ctx, e);
    }
  };
  const opts = { timeoutMs: NO_TIMEOUT_MS };
  // The syncer pins the revision it copies at with a first read.
  const first = await call(ctx.call(c.get.bind(c, { key: utf8('foo') }), opts));
  const rev = first.header.revision;
  if (noDest && destPrefix.length > 0) ctx.fail(ExitBadArgs, '`--dest-prefix` and `--no-dest-prefix` cannot be set at the same time, choose one');
  if (!noDest && destPrefix.length === 0) destPrefix = prefix;
  const rename = (k: Uint8Array): Uint8Array => replaceFirst(k, prefix, destPrefix);

  // An empty prefix means every key (WithFromKey from "\0").
  const key = prefix.length > 0 ? prefix : new Uint8Array([0]);
  const rangeEnd = prefix.length > 0 ? prefixEnd(prefix) : new Uint8Array([0]);
  const base = await call(ctx.call(c.get.bind(c, { key, rangeEnd, revision: rev }), opts));
  for (const kv of base.kvs) {
    await call(ctx.call(dc.put.bind(dc, { key: rename(kv.key), value: kv.value }), opts));
    total++;
  }

  const queue = new AsyncQueue<WatchResponse>(ctx.world);
  c.watch({ key, rangeEnd, startRevision: rev + 1 }, (r) => queue.push(r));
  for (;;) {
    const wr = await queue.next();
    if (wr.compactRevision !== 0) ctx.fail(ExitError, 'etcdserver: mvcc: required revision has been compacted');
    let ops: RequestOp[] = [];
    let lastRev = 0;
    const flush = async (): Promise<void> => {
      const success = ops;
      ops = [];
      await call(ctx.call(dc.txn.bind(dc, { compare: [], success, failure: [] }), opts));
    };
    for (const ev of wr.events) {
      if (lastRev !== 0 && ev.kv.modRevision > lastRev) await flush();
      lastRev = ev.kv.modRevision;
      if (ev.type === 'PUT') ops.push({ requestPut: { key: rename(ev.kv.key), value: ev.kv.value } });
      else ops.push({ requestDeleteRange: { key: rename(ev.kv.key) } });
      total++;
    }
    if (ops.length > 0) await flush();
  }
}

export const makeMirrorCommand: CommandSpec = {
  name: 'make-mirror',
  use: 'make-mirror [options] <destination>',
  short: 'Makes a mirror at the destination etcd cluster',
  flags: [
    { name: 'dest-cacert', kind: 'string', def: '', usage: 'Verify certificates of TLS enabled secure servers using this CA bundle' },
    { name: 'dest-cert', kind: 'string', def: '', usage: 'Identify secure client using this TLS certificate file for the destination cluster' },
    { name: 'dest-insecure-transport', kind: 'bool', def: 'true', usage: 'Disable transport security for client connections' },
    { name: 'dest-key', kind: 'string', def: '', usage: 'Identify secure client using this TLS key file' },
    { name: 'dest-prefix', kind: 'string', def: '', usage: 'destination prefix to mirror a prefix to a different prefix in the destination cluster' },
    { name: 'no-dest-prefix', kind: 'bool', def: 'false', usage: 'mirror key-values to the root of the destination cluster' },
    { name: 'prefix', kind: 'string', def: '', usage: 'Key-value prefix to mirror' },
  ],
  async run(ctx) {
    if (ctx.args.length !== 1) ctx.fail(ExitBadArgs, 'make-mirror takes one destination argument');
    await makeMirror(ctx, ctx.args[0]!);
  },
};
