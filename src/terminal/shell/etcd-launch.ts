// `etcd --name … --initial-cluster … --initial-cluster-state …`: starting a
// member process in the playground, with etcd's own flags and checks. The
// playground runs one cluster, so etcd can (re)start one of its members: a
// killed member restarts from its data dir, and a member just added with
// `etcdctl member add` joins (state "existing"). The engine already runs a
// member from the moment it is added; this command is the operator's step
// that gives it its client URLs, and it checks the flags as etcd would.
import type { SimNode } from '../../engine/cluster/node.ts';
import type { NodeId } from '../../engine/raft/types.ts';
import type { World } from '../core/world.ts';
import { ETCD_FLAGS, parseEtcdFlags, parseInitialCluster, sameURLs, urlList } from './etcd-flags.ts';
import { restoredAt, startRestored } from './etcd-restored.ts';
import type { ShellCommand } from './shell.ts';

const VERSION = `etcd Version: 3.4.23
Git SHA: Not provided (use ./build instead of go build)
Go Version: go1.19.8
Go OS/Arch: linux/amd64
`;

/** Members whose process an operator started (the initial ones, and those `etcd` started). */
const launched = new WeakMap<World, Set<NodeId>>();

/** Called when the first shell opens on a world: its members run already. */
export function rememberInitialMembers(world: World): void {
  if (!launched.has(world)) launched.set(world, new Set(world.etcd.cluster.nodes.keys()));
}

/** Members added (`etcdctl member add`) whose etcd has not been started with `etcd`. */
export function awaitingLaunch(world: World): SimNode[] {
  const l = launched.get(world);
  const c = world.etcd.cluster;
  return [...c.nodes.values()].filter((n) => l !== undefined && !l.has(n.id) && !c.removed.has(n.id));
}

function usage(): string {
  const main = ['name', 'data-dir', 'listen-peer-urls', 'listen-client-urls', 'initial-advertise-peer-urls', 'initial-cluster', 'initial-cluster-state', 'initial-cluster-token', 'advertise-client-urls'];
  return (
    'Usage:\n\n  etcd [flags]\n    Start an etcd server.\n\n  etcd --version\n    Show the version of etcd.\n\nFlags the playground uses (all of etcd 3.4\'s flags are accepted):\n' +
    main.map((f) => `  --${f} '${ETCD_FLAGS.get(f)}'\n`).join('')
  );
}

/** The host:port etcd would bind for its first peer URL, as its "address already in use" names it. */
function bindAddr(url: string): string {
  return url.replace(/^[a-z]+:\/\//, '').replace(/^localhost:/, '127.0.0.1:');
}

export const etcd: ShellCommand = (ctx) => {
  const parsed = parseEtcdFlags(ctx.args, new Map([...ctx.shell.session.env, ...ctx.assignments]));
  if ('error' in parsed) {
    ctx.err(parsed.error + '\n');
    if (parsed.code === 2) ctx.err(usage());
    return parsed.code;
  }
  const v = (f: string) => parsed.values.get(f)!;
  if (v('version') === 'true') {
    ctx.out(VERSION);
    return 0;
  }
  if (v('help') === 'true') {
    ctx.out(usage());
    return 0;
  }
  const fatal = (msg: string, hint?: string): number => {
    ctx.err(`C | etcdmain: ${msg}\n`);
    if (hint) ctx.err(`(playground) ${hint}\n`);
    return 1;
  };
  const hb = Number(v('heartbeat-interval'));
  const et = Number(v('election-timeout'));
  if (et < 5 * hb) {
    ctx.err(`E | etcdmain: error verifying flags, --election-timeout[${et}ms] should be at least as 5 times as --heartbeat-interval[${hb}ms]. See 'etcd --help'.\n`);
    return 1;
  }

  const world = ctx.world;
  const c = world.etcd.cluster;
  const name = v('name');
  // A data dir `etcdctl snapshot restore` made bootstraps its own, new cluster.
  const restored = restoredAt(ctx, v('data-dir'));
  if (restored) return startRestored(ctx, name, v('data-dir'), restored);
  const peerURLs = urlList(v('initial-advertise-peer-urls'));
  const clientURLs = urlList(v('advertise-client-urls'));
  const isLaunched = launched.get(world) ?? new Set<NodeId>();
  launched.set(world, isLaunched);
  const node = [...c.nodes.values()].find((n) => n.name === name);

  // A member with a data dir: etcd ignores the bootstrap flags and restarts from it.
  if (node && isLaunched.has(node.id)) {
    if (c.removed.has(node.id)) return fatal('the member has been permanently removed from the cluster', 'a removed member cannot come back; add a new one with `etcdctl member add`.');
    if (node.life !== 'crashed') {
      const listen = urlList(v('listen-peer-urls'))[0] ?? 'http://localhost:2380';
      return fatal(`listen tcp ${bindAddr(listen)}: bind: address already in use`, `${name} is running already; \`kill ${name}\` or \`stop ${name}\` first.`);
    }
    banner(ctx.out, name, v('data-dir') || `${name}.etcd`, c.members.get(node.id)?.clientURLs ?? []);
    ctx.out('N | etcdmain: the server is already initialized as member before, starting as etcd member...\n');
    const err = c.restart(node.id);
    if (err) return fatal(err);
    ctx.out(`(playground) ${name} restarted from its data dir; it runs in the background.\n`);
    return 0;
  }

  // A fresh data dir: the bootstrap flags must describe this member.
  const initial = parseInitialCluster(v('initial-cluster'));
  if (typeof initial === 'string') return fatal(initial);
  const mine = initial.get(name);
  if (!mine) return fatal(`couldn't find local name "${name}" in the initial cluster configuration`);
  if (!sameURLs(mine, peerURLs)) {
    return fatal(
      `--initial-cluster has ${name}=${mine.join(',')} but missing from --initial-advertise-peer-urls=${peerURLs.join(',')} (resolved urls: "${peerURLs.join(',')}" != "${mine.join(',')}")`,
    );
  }
  const pending = node ?? awaitingLaunch(world).find((n) => sameURLs(c.members.get(n.id)?.peerURLs ?? [], peerURLs));
  if (!pending || isLaunched.has(pending.id)) {
    const names = [...c.nodes.values()].filter((n) => !c.removed.has(n.id)).map((n) => n.name).join(', ');
    const hint = `the playground runs one cluster (${names}). Add the new member first: \`etcdctl member add ${name} --peer-urls=${peerURLs.join(',')}\`, then start it with the flags it prints (--initial-cluster-state existing).`;
    if (v('initial-cluster-state') === 'new') return fatal(`cannot bootstrap a second cluster here`, hint);
    return fatal(`error validating peerURLs {ClusterID:${c.clusterId()} Members:[${names}]}: member count is unequal`, hint);
  }
  if (pending.name !== name) {
    return fatal(`error validating peerURLs: the member with peer URLs ${peerURLs.join(',')} was added as "${pending.name}"`, `start it with --name ${pending.name}.`);
  }
  const member = c.members.get(pending.id)!;
  if (!sameURLs(member.peerURLs, peerURLs)) {
    return fatal(`error validating peerURLs: unmatched member while checking PeerURLs (${name} has ${member.peerURLs.join(',')})`);
  }
  if (v('initial-cluster-state') !== 'existing') {
    return fatal(`member ${pending.id} has already been bootstrapped`, 'a member added with `etcdctl member add` joins with --initial-cluster-state existing.');
  }
  banner(ctx.out, name, v('data-dir') || `${name}.etcd`, clientURLs);
  // What etcd publishes once it runs: its client URLs (as member list then shows them).
  member.clientURLs = [...clientURLs];
  isLaunched.add(pending.id);
  if (pending.life === 'crashed') c.restart(pending.id);
  ctx.out(`I | etcdserver: starting member ${pending.id} in cluster ${c.clusterId()}\n`);
  ctx.out(`(playground) ${name} joined the cluster and runs in the background; clients reach it at ${clientURLs.join(',')}.\n`);
  return 0;
};

function banner(out: (s: string) => void, name: string, dataDir: string, clientURLs: string[]): void {
  out(`I | etcdmain: etcd Version: 3.4.23\n`);
  out(`I | embed: name = ${name}\n`);
  out(`I | embed: data dir = ${dataDir}\n`);
  out(`I | embed: advertise client URLs = ${clientURLs.join(',')}\n`);
}
