// etcdctl snapshot restore (clientv3/snapshot v3_snapshot.go Restore, 3.4):
// an offline operation that turns a snapshot file into a new member's data
// dir. In the playground the data dir is a VFS directory holding
//   <data-dir>/member/snap/db   the db (snapshot without its sha256 trailer,
//                               consistent index set as etcd's restore sets it)
//   <wal-dir>/<RESTORE_WAL>     the bootstrap the WAL would hold, as JSON
//                               (RestoredBootstrap: member name, --initial-cluster,
//                               token, IDs)
// readRestoredDataDir() reads it back, so a playground command can start a
// cluster from it (restoreCluster(db, { skipHashCheck: true, members, clusterToken })).
import { clusterId, memberId } from '../../../engine/cluster/member.ts';
import type { InitialMember } from '../../../engine/cluster/member.ts';
import { decodeMemberSnapshot, encodeMemberSnapshot, readSnapshot, snapshotBlob } from '../../../engine/server/index.ts';
import { compareIds, fromUtf8, utf8 } from '../../../engine/util/bytes.ts';
import type { CommandContext } from '../../core/context.ts';
import type { FlagSpec } from '../../core/flags.ts';
import { ExitBadArgs, ExitError } from '../../core/io.ts';
import { VirtualFS } from '../../core/vfs.ts';
import { goQuote } from '../../print/index.ts';
import { checkURLs } from './member.ts';
import { joinPath } from './panic.ts';
import { zapInfo, zapString } from './zap.ts';

export const restoreFlags: FlagSpec[] = [
  { name: 'data-dir', kind: 'string', def: '', usage: 'Path to the data directory' },
  { name: 'wal-dir', kind: 'string', def: '', usage: 'Path to the WAL directory (use --data-dir if none given)' },
  { name: 'initial-cluster', kind: 'string', def: 'default=http://localhost:2380', usage: 'Initial cluster configuration for restore bootstrap' },
  { name: 'initial-cluster-token', kind: 'string', def: 'etcd-cluster', usage: 'Initial cluster token for the etcd cluster during restore bootstrap' },
  {
    name: 'initial-advertise-peer-urls',
    kind: 'string',
    def: 'http://localhost:2380',
    usage: "List of this member's peer URLs to advertise to the rest of the cluster",
  },
  { name: 'name', kind: 'string', def: 'default', usage: 'Human-readable name for this member' },
  { name: 'skip-hash-check', kind: 'bool', def: 'false', usage: 'Ignore snapshot integrity hash value (required if copied from data directory)' },
];

/** The WAL file name of a fresh etcd member. */
export const RESTORE_WAL = '0000000000000000-0000000000000000.wal';

/** What a restored data dir bootstraps: this member in the new cluster. */
export interface RestoredBootstrap {
  name: string;
  initialCluster: InitialMember[];
  clusterToken: string;
  advertisePeerURLs: string[];
  memberId: string;
  clusterId: string;
}

/** types.NewURLsMap's parse: name=url pairs, comma separated (a bare name gets an empty URL). */
function parseURLsMap(s: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const item of s.split(',')) {
    if (item === '') continue;
    const eq = item.indexOf('=');
    const [k, v] = eq < 0 ? [item, ''] : [item.slice(0, eq), item.slice(eq + 1)];
    m.set(k, [...(m.get(k) ?? []), v]);
  }
  return m;
}

/** URLsMap.String(): "name=url" pairs sorted, comma separated. */
function urlsMapString(m: Map<string, string[]>): string {
  const pairs: string[] = [];
  for (const [k, us] of m) for (const u of us) pairs.push(`${k}=${u}`);
  return pairs.sort().join(',');
}

/** Go's %q of a []string. */
function quoteList(l: readonly string[]): string {
  return `[${l.map((s) => goQuote(s)).join(' ')}]`;
}

/** ServerConfig.VerifyBootstrap (URLs compared as strings, without DNS resolution). */
function verifyBootstrap(name: string, ap: string[], ics: Map<string, string[]>): string | undefined {
  const mine = ics.get(name);
  if (!mine) return `couldn't find local name ${goQuote(name)} in the initial cluster configuration`;
  const a = [...ap].sort();
  const b = [...mine].sort();
  if (a.length !== b.length || a.some((u, i) => u !== b[i])) {
    const why = a.length !== b.length ? `len(${quoteList(a)}) != len(${quoteList(b)})` : (() => {
      const i = a.findIndex((u, k) => u !== b[k]);
      return `resolved urls: ${goQuote(a[i]!)} != ${goQuote(b[i]!)}`;
    })();
    const missing = b.filter((u) => !a.includes(u));
    if (missing.length > 0) {
      return `--initial-cluster has ${missing.map((u) => `${name}=${u}`).join(',')} but missing from --initial-advertise-peer-urls=${a.join(',')} (${why})`;
    }
    const extra = a.filter((u) => !b.includes(u));
    const umap = urlsMapString(new Map([[name, ap]]));
    if (extra.length > 0) return `--initial-advertise-peer-urls has ${extra.join(',')} but missing from --initial-cluster=${umap}`;
    return `failed to resolve ${a.join(',')} to match --initial-cluster=${umap} (${why})`;
  }
  const all = [...ics.values()].flat();
  if (new Set(all).size !== all.length) return `initial cluster ${urlsMapString(ics)} has duplicate url`;
  if (urlsMapString(ics) === '') return 'initial cluster unset and no discovery URL found';
  return undefined;
}

/** The restored db: the snapshot without its trailer, its consistent index set to the member count. */
function restoredDb(blob: Uint8Array, skipHashCheck: boolean, members: number): { db: Uint8Array } | { err: string } {
  const snap = readSnapshot(blob, skipHashCheck);
  if ('err' in snap) return snap;
  const img = decodeMemberSnapshot(snap.image);
  // etcd's restore "deletes" the old member records through the KV store, which leaves
  // the members and members_removed buckets as they were; only the consistent index changes.
  const out = snapshotBlob(encodeMemberSnapshot({ ...img, consistentIndex: members }), snap.members, snap.removed);
  return { db: out.slice(0, out.length - 32) };
}

export async function snapshotRestore(ctx: CommandContext): Promise<void> {
  if (ctx.args.length !== 1) ctx.fail(ExitBadArgs, 'snapshot restore requires exactly one argument');
  const path = ctx.args[0]!;
  const name = ctx.str('name');
  const dataDir = ctx.str('data-dir') || name + '.etcd';
  const walDirFlag = ctx.str('wal-dir');
  const walDir = walDirFlag || joinPath(dataDir, 'member', 'wal');
  const snapDir = joinPath(dataDir, 'member', 'snap');
  const token = ctx.str('initial-cluster-token');
  const fs = ctx.world.fs;
  const abs = (p: string): string => VirtualFS.resolve(ctx.cwd, p);

  const ap = ctx.str('initial-advertise-peer-urls').split(',');
  const ics = parseURLsMap(ctx.str('initial-cluster'));
  const bad = checkURLs(ap) ?? [...ics.values()].map((us) => checkURLs(us)).find((e) => e !== undefined) ?? verifyBootstrap(name, ap, ics);
  if (bad) ctx.fail(ExitError, bad);
  if (fs.exists(abs(dataDir))) ctx.fail(ExitError, `data-dir ${goQuote(dataDir)} exists`);
  if (walDirFlag && fs.exists(abs(walDir))) ctx.fail(ExitError, `wal-dir ${goQuote(walDir)} exists`);

  const where: [string, string][] = [
    ['path', zapString(path)],
    ['wal-dir', zapString(walDir)],
    ['data-dir', zapString(dataDir)],
    ['snap-dir', zapString(snapDir)],
  ];
  zapInfo(ctx, 'snapshot/v3_snapshot.go:296', 'restoring snapshot', where);
  const blob = fs.readFile(abs(path));
  if (!blob) return ctx.fail(ExitError, `open ${path}: no such file or directory`);
  const members = [...ics].map(([n, us]) => ({ name: n, peerURLs: us, id: memberId(us, token) })).sort((x, y) => compareIds(x.id, y.id));
  const res = restoredDb(blob, ctx.bool('skip-hash-check'), members.length);
  // etcd has copied the file into the snap dir before it checks the hash.
  fs.mkdir(abs(dataDir));
  fs.mkdir(abs(snapDir));
  fs.writeFile(abs(joinPath(snapDir, 'db')), 'err' in res ? blob : res.db);
  if ('err' in res) return ctx.fail(ExitError, res.err);

  const cid = clusterId(members.map((m) => m.id));
  for (const m of members) {
    zapInfo(ctx, 'membership/cluster.go:392', 'added member', [
      ['cluster-id', zapString(cid)],
      ['local-member-id', '"0"'],
      ['added-peer-id', zapString(m.id)],
      ['added-peer-peer-urls', `[${m.peerURLs.map(zapString).join(',')}]`],
    ]);
  }
  const boot: RestoredBootstrap = {
    name,
    initialCluster: members.map((m) => ({ name: m.name, peerURLs: m.peerURLs })),
    clusterToken: token,
    advertisePeerURLs: ap,
    memberId: members.find((m) => m.name === name)!.id,
    clusterId: cid,
  };
  fs.mkdir(abs(walDir));
  fs.writeFile(abs(joinPath(walDir, RESTORE_WAL)), utf8(JSON.stringify(boot, null, 2) + '\n'));
  zapInfo(ctx, 'snapshot/v3_snapshot.go:309', 'restored snapshot', where);
  return Promise.resolve();
}

/**
 * A data dir `snapshot restore` made (absolute VFS path), with the WAL where
 * the default --wal-dir put it: its db and bootstrap, or undefined.
 */
export function readRestoredDataDir(fs: VirtualFS, dataDir: string, walDir = joinPath(dataDir, 'member', 'wal')): { db: Uint8Array; boot: RestoredBootstrap } | undefined {
  const db = fs.readFile(joinPath(dataDir, 'member', 'snap', 'db'));
  const wal = fs.readFile(joinPath(walDir, RESTORE_WAL));
  if (!db || !wal) return undefined;
  try {
    return { db, boot: JSON.parse(fromUtf8(wal)) as RestoredBootstrap };
  } catch {
    return undefined;
  }
}
