// The playground's own commands: member processes (stop, kill, restart,
// pause, resume), the network (partition, cut, heal, latency, drop), the
// simulation speed and the cluster overview. They act on the engine directly,
// as an operator acts on machines and cables rather than through etcd.
import type { SimNode } from '../../engine/cluster/node.ts';
import { findNode, membersTable, statusText } from './members.ts';
import type { ShellCommand, ShellContext } from './shell.ts';

/** The one member argument of a command, or undefined after printing why not. */
function oneMember(ctx: ShellContext, cmd: string): SimNode | undefined {
  if (ctx.args.length !== 1) {
    ctx.err(`usage: ${cmd} NAME\n`);
    return undefined;
  }
  const n = findNode(ctx.world.etcd.cluster, ctx.args[0]!);
  if (typeof n === 'string') {
    ctx.err(`${cmd}: ${n}\n`);
    return undefined;
  }
  if (ctx.world.etcd.cluster.removed.has(n.id)) {
    ctx.err(`${cmd}: ${n.name} was removed from the cluster\n`);
    return undefined;
  }
  return n;
}

const isDown = (n: SimNode) => n.life === 'crashed' || n.life === 'stopped';

/** etcd's graceful stop: a leader first hands leadership to the most caught-up voter. */
export const stop: ShellCommand = async (ctx) => {
  const n = oneMember(ctx, 'stop');
  if (!n) return 1;
  const c = ctx.world.etcd.cluster;
  if (isDown(n)) {
    ctx.err(`stop: ${n.name} is not running\n`);
    return 1;
  }
  let note = '';
  if (c.leader() === n && n.life === 'running') {
    const progress = n.rn!.status().progress;
    const candidates = [...c.nodes.values()].filter(
      (p) => p !== n && p.life === 'running' && n.confState.voters.includes(p.id),
    );
    candidates.sort((a, b) => (progress[b.id]?.match ?? 0) - (progress[a.id]?.match ?? 0));
    const to = candidates[0];
    if (to && c.transferLeader(to.id) === undefined) {
      const deadline = ctx.world.now() + c.electionTimeout;
      let interrupted = false;
      void ctx.interrupted.then(() => (interrupted = true));
      while (!interrupted && c.leader() === n && ctx.world.now() < deadline) await ctx.world.sleep(10);
      const l = c.leader();
      note = l && l !== n ? ` (leadership transferred to ${l.name})` : ' (leadership transfer timed out)';
    }
  }
  c.crash(n.id);
  ctx.out(`stopped ${n.name}${note}\n`);
  return 0;
};

export const kill: ShellCommand = (ctx) => {
  const n = oneMember(ctx, 'kill');
  if (!n) return 1;
  if (isDown(n)) {
    ctx.err(`kill: ${n.name} is not running\n`);
    return 1;
  }
  ctx.world.etcd.cluster.crash(n.id);
  ctx.out(`killed ${n.name}\n`);
  return 0;
};

export const restart: ShellCommand = (ctx) => {
  const n = oneMember(ctx, 'restart');
  if (!n) return 1;
  const c = ctx.world.etcd.cluster;
  if (!isDown(n)) c.crash(n.id);
  const err = c.restart(n.id);
  if (err) {
    ctx.err(`restart: ${err}\n`);
    return 1;
  }
  ctx.out(`restarted ${n.name}\n`);
  return 0;
};

export const pause: ShellCommand = (ctx) => {
  const n = oneMember(ctx, 'pause');
  if (!n) return 1;
  if (n.life !== 'running') {
    ctx.err(`pause: ${n.name} is ${n.life === 'paused' ? 'already paused' : 'not running'}\n`);
    return 1;
  }
  ctx.world.etcd.cluster.pause(n.id);
  ctx.out(`paused ${n.name}\n`);
  return 0;
};

export const resume: ShellCommand = (ctx) => {
  const n = oneMember(ctx, 'resume');
  if (!n) return 1;
  if (n.life !== 'paused') {
    ctx.err(`resume: ${n.name} is not paused\n`);
    return 1;
  }
  ctx.world.etcd.cluster.resume(n.id);
  ctx.out(`resumed ${n.name}\n`);
  return 0;
};

/** Resolves member names; prints the first unknown one. */
function nodesOf(ctx: ShellContext, cmd: string, names: string[]): SimNode[] | undefined {
  const out: SimNode[] = [];
  for (const name of names) {
    const n = findNode(ctx.world.etcd.cluster, name);
    if (typeof n === 'string') {
      ctx.err(`${cmd}: ${n}\n`);
      return undefined;
    }
    out.push(n);
  }
  return out;
}

export const partition: ShellCommand = (ctx) => {
  if (ctx.args.length === 0) {
    ctx.err('usage: partition A,B C   (groups of members; members not named form one more group)\n');
    return 1;
  }
  const groups: SimNode[][] = [];
  for (const g of ctx.args) {
    const nodes = nodesOf(ctx, 'partition', g.split(',').filter((s) => s !== ''));
    if (!nodes) return 1;
    groups.push(nodes);
  }
  const seen = new Set<string>();
  for (const n of groups.flat()) {
    if (seen.has(n.id)) {
      ctx.err(`partition: ${n.name} is named twice\n`);
      return 1;
    }
    seen.add(n.id);
  }
  const c = ctx.world.etcd.cluster;
  c.network.partition(groups.map((g) => g.map((n) => n.id)));
  const rest = [...c.nodes.values()].filter((n) => !seen.has(n.id) && !c.removed.has(n.id));
  const shown = groups.map((g) => g.map((n) => n.name).join(','));
  if (rest.length > 0) shown.push(rest.map((n) => n.name).join(','));
  ctx.out(`partitioned: ${shown.map((s) => `[${s}]`).join(' | ')}\n`);
  return 0;
};

function linkCmd(cmd: 'cut' | 'heal'): ShellCommand {
  return (ctx) => {
    const net = ctx.world.etcd.cluster.network;
    if (cmd === 'heal' && ctx.args.length === 0) {
      net.heal();
      ctx.out('network healed: no partitions, no cut links\n');
      return 0;
    }
    if (ctx.args.length !== 2) {
      ctx.err(cmd === 'cut' ? 'usage: cut A B\n' : 'usage: heal [A B]\n');
      return 1;
    }
    const nodes = nodesOf(ctx, cmd, ctx.args);
    if (!nodes) return 1;
    const [a, b] = nodes as [SimNode, SimNode];
    if (a === b) {
      ctx.err(`${cmd}: a member has no link to itself\n`);
      return 1;
    }
    if (cmd === 'cut') {
      net.cut(a.id, b.id);
      net.cut(b.id, a.id);
    } else {
      net.restore(a.id, b.id);
      net.restore(b.id, a.id);
    }
    ctx.out(`${cmd === 'cut' ? 'cut' : 'restored'} link ${a.name} <-> ${b.name}\n`);
    return 0;
  };
}

export const cut = linkCmd('cut');
export const heal = linkCmd('heal');

function number(ctx: ShellContext, cmd: string, s: string): number | undefined {
  const v = Number(s);
  if (s.trim() === '' || !Number.isFinite(v) || v < 0) {
    ctx.err(`${cmd}: invalid number '${s}'\n`);
    return undefined;
  }
  return v;
}

export const latency: ShellCommand = (ctx) => {
  const net = ctx.world.etcd.cluster.network;
  if (ctx.args.length === 0 || ctx.args.length > 2) {
    const d = net.getDefaults();
    if (ctx.args.length > 2) ctx.err('usage: latency MS [JITTER]\n');
    else ctx.out(`latency ${d.latencyMin}-${d.latencyMax} ms\n`);
    return ctx.args.length === 0 ? 0 : 1;
  }
  const ms = number(ctx, 'latency', ctx.args[0]!.replace(/ms$/, ''));
  const jitter = ctx.args[1] === undefined ? 0 : number(ctx, 'latency', ctx.args[1].replace(/ms$/, ''));
  if (ms === undefined || jitter === undefined) return 1;
  const min = Math.max(0, ms - jitter);
  net.setDefaults({ latencyMin: min, latencyMax: ms + jitter });
  ctx.out(`latency ${min}-${ms + jitter} ms on every link\n`);
  return 0;
};

export const drop: ShellCommand = (ctx) => {
  const net = ctx.world.etcd.cluster.network;
  if (ctx.args.length !== 1) {
    if (ctx.args.length === 0) ctx.out(`drop rate ${net.getDefaults().dropRate}\n`);
    else ctx.err('usage: drop RATE   (0..1, or a percentage like 5%)\n');
    return ctx.args.length === 0 ? 0 : 1;
  }
  const s = ctx.args[0]!;
  const pct = s.endsWith('%');
  const v = number(ctx, 'drop', pct ? s.slice(0, -1) : s);
  if (v === undefined) return 1;
  const rate = pct ? v / 100 : v;
  if (rate > 1) {
    ctx.err(`drop: rate must be between 0 and 1 (or 0%..100%), got ${s}\n`);
    return 1;
  }
  net.setDefaults({ dropRate: rate });
  ctx.out(`dropping ${+(rate * 100).toFixed(4)}% of messages on every link\n`);
  return 0;
};

export const speed: ShellCommand = (ctx) => {
  const host = ctx.shell.host;
  if (!host) {
    ctx.err('speed: this shell has no realtime driver\n');
    return 1;
  }
  if (ctx.args.length === 0) {
    ctx.out(`speed ${host.getSpeed()}x\n`);
    return 0;
  }
  const v = number(ctx, 'speed', ctx.args[0]!.replace(/x$/, ''));
  if (v === undefined) return 1;
  if (v > 100) {
    ctx.err('speed: at most 100x\n');
    return 1;
  }
  host.setSpeed(v);
  ctx.out(v === 0 ? 'simulation paused (speed 0)\n' : `speed ${v}x\n`);
  return 0;
};

export const members: ShellCommand = (ctx) => {
  ctx.out(membersTable(ctx.world));
  return 0;
};

export const status: ShellCommand = (ctx) => {
  ctx.out(statusText(ctx.world, ctx.shell.host?.getSpeed()));
  return 0;
};
