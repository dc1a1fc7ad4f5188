// The key space as the playground sees it: a serializable read of the local
// store of the leader (or of any running member without one), without auth,
// for `ls` and for completing keys. A god's-eye view, not a client request.
import type { EtcdServer } from '../../engine/server/server.ts';
import type { KeyValue } from '../../engine/mvcc/types.ts';
import type { World } from '../core/world.ts';
import type { ShellCommand } from './shell.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** The server to read from: the leader's, else the first running member's. */
function readServer(world: World): EtcdServer | undefined {
  const e = world.etcd;
  const l = e.leaderServer();
  if (l && !l.stopped) return l;
  for (const n of e.cluster.nodes.values()) if (n.life === 'running' || n.life === 'paused') return e.server(n.id);
  return undefined;
}

/** clientv3.GetPrefixRangeEnd: the prefix with its last byte below 0xff incremented. */
function prefixEnd(p: Uint8Array): Uint8Array {
  for (let i = p.length - 1; i >= 0; i--) {
    if (p[i]! < 0xff) {
      const end = p.slice(0, i + 1);
      end[i]!++;
      return end;
    }
  }
  return new Uint8Array([0]);
}

export interface KeyRead {
  from: string;
  revision: number;
  kvs: KeyValue[];
  more: boolean;
}

/** Keys under prefix (all keys for ''), at most limit (0 = no limit). */
export function readKeys(world: World, prefix: string, limit = 0, keysOnly = false): KeyRead | undefined {
  const s = readServer(world);
  if (!s) return undefined;
  const p = enc.encode(prefix);
  const all = p.length === 0;
  const r = s.sm.kv.range({ key: all ? new Uint8Array([0]) : p, rangeEnd: all ? new Uint8Array([0]) : prefixEnd(p), limit, keysOnly });
  return { from: s.cluster.nodes.get(s.id)?.name ?? s.id, revision: r.header.revision, kvs: r.kvs, more: r.more };
}

/** Key names for completion. */
export function keyNames(world: World, prefix: string, limit = 200): string[] {
  return readKeys(world, prefix, limit, true)?.kvs.map((kv) => dec.decode(kv.key)) ?? [];
}

interface TreeNode {
  value?: string;
  children: Map<string, TreeNode>;
}

function show(v: Uint8Array): string {
  const s = dec.decode(v);
  const one = JSON.stringify(s.length > 48 ? s.slice(0, 48) + '…' : s);
  return one;
}

function render(node: TreeNode, indent: string, out: string[]): void {
  const entries = [...node.children];
  entries.forEach(([name, child], i) => {
    const last = i === entries.length - 1;
    const dir = child.children.size > 0;
    out.push(`${indent}${last ? '└── ' : '├── '}${name}${dir ? '/' : ''}${child.value !== undefined ? ` = ${child.value}` : ''}`);
    if (dir) render(child, indent + (last ? '    ' : '│   '), out);
  });
}

export const ls: ShellCommand = (ctx) => {
  if (ctx.args.length > 1) {
    ctx.err('usage: ls [PREFIX]\n');
    return 1;
  }
  const prefix = ctx.args[0] ?? '';
  const read = readKeys(ctx.world, prefix);
  if (!read) {
    ctx.err('ls: no member is running\n');
    return 1;
  }
  const root: TreeNode = { children: new Map() };
  for (const kv of read.kvs) {
    const key = dec.decode(kv.key);
    // A leading '/' is a directory of its own, as in /registry/pods/x.
    const parts = key.startsWith('/') ? ['/', ...key.slice(1).split('/')] : key.split('/');
    let cur = root;
    for (const part of parts) {
      let next = cur.children.get(part);
      if (!next) cur.children.set(part, (next = { children: new Map() }));
      cur = next;
    }
    cur.value = show(kv.value);
  }
  const lines: string[] = [];
  for (const [name, child] of root.children) {
    const dir = child.children.size > 0;
    lines.push(`${name === '/' ? '/' : name + (dir ? '/' : '')}${child.value !== undefined ? ` = ${child.value}` : ''}`);
    if (dir) render(child, '', lines);
  }
  const n = read.kvs.length;
  ctx.out(lines.map((l) => l + '\n').join(''));
  ctx.out(`(${n} key${n === 1 ? '' : 's'}${prefix ? ` under ${JSON.stringify(prefix)}` : ''} at revision ${read.revision}, read on ${read.from})\n`);
  return 0;
};
