// The path one terminal command took through the cluster, read back from the
// trace records between its start and its end: the member the client talked
// to, the proposal forwarded to the leader (MsgProp), the new log entry, its
// MsgApp fan-out, the acks that made a quorum, the commit, the apply on the
// member that answers; or a linearizable read's ReadIndex round (MsgReadIndex,
// a heartbeat quorum, MsgReadIndexResp); or a local read with no raft round.
// Pure: plain records in, plain steps out.
import type { MessageRecord, TraceRecord } from '../../engine/cluster/trace.ts';
import type { NodeId } from '../../engine/raft/types.ts';

export type StepKind = 'client' | 'forward' | 'propose' | 'append' | 'ack' | 'commit' | 'apply' | 'readindex' | 'heartbeat' | 'read' | 'reply' | 'note';

export interface PathStep {
  kind: StepKind;
  /** Virtual ms after the command started. */
  at: number;
  text: string;
}

export type PathKind = 'write' | 'linearizable-read' | 'local' | 'none';

export interface RequestPath {
  kind: PathKind;
  entry: NodeId | undefined;
  leader: NodeId | undefined;
  /** Log indexes the command's proposals took. */
  indexes: number[];
  /** Read indexes its linearizable reads waited for. */
  readIndexes: number[];
  steps: PathStep[];
  duration: number;
}

export interface PathInput {
  records: readonly TraceRecord[];
  start: number;
  end: number;
  /** The member the client dialed, when known (else read from the messages). */
  entry?: NodeId;
  /** When the client sent its request (default: the command's start). */
  sentAt?: number;
  /** The leader when the command started. */
  leader?: NodeId;
  /** The leader's last log index when the command started: entries above it are new. */
  lastIndex?: number;
  /** Voting members (for the quorum size). */
  voters: number;
  name?: (id: NodeId) => string;
  /** The entry member's store revision after the command, when it grew. */
  revision?: number;
  /** Whether the command succeeded (exit status 0). */
  ok?: boolean;
  /** At most this many rounds are described (default 4). */
  maxRounds?: number;
}

type Msg = { t: number; kind: 'send' | 'deliver' | 'drop' } & MessageRecord;
type StateRec = Extract<TraceRecord, { kind: 'state' }>;

const ms = (x: number) => `${x < 10 ? x.toFixed(1) : Math.round(x)} ms`;

interface Round {
  t: number;
  steps: PathStep[];
}

export function derivePath(inp: PathInput): RequestPath {
  const { start, end } = inp;
  const name = inp.name ?? ((id: NodeId) => id);
  const rel = (t: number) => Math.max(0, t - start);
  const msgs: Msg[] = [];
  const states: StateRec[] = [];
  for (const r of inp.records) {
    if (r.t < start || r.t > end) continue;
    if (r.kind === 'send' || r.kind === 'deliver' || r.kind === 'drop') msgs.push(r);
    else if (r.kind === 'state') states.push(r);
  }
  const delivered = new Map<number, number>();
  for (const m of msgs) if (m.kind === 'deliver' && !delivered.has(m.mid)) delivered.set(m.mid, m.t);
  const sends = msgs.filter((m) => m.kind === 'send');
  const firstFwd = sends.find((m) => m.type === 'MsgProp' || m.type === 'MsgReadIndex');
  const entry = inp.entry ?? firstFwd?.from;
  const leader = inp.leader ?? firstFwd?.to ?? sends.find((m) => m.type === 'MsgApp' || m.type === 'MsgHeartbeat')?.from;
  const majority = Math.floor(Math.max(1, inp.voters) / 2) + 1;
  const list = (ids: NodeId[]) => ids.map(name).join(', ');

  const quorum = (acks: { from: NodeId; t: number }[], from: number): number | undefined => {
    const need = majority - 1; // the leader counts itself
    if (need <= 0) return from;
    return acks.length >= need ? acks[need - 1]!.t : undefined;
  };
  const acksFor = (L: NodeId, type: string, after: number, ok: (m: Msg) => boolean) => {
    const seen = new Set<NodeId>();
    const out: { from: NodeId; t: number }[] = [];
    for (const m of msgs) {
      if (m.kind !== 'deliver' || m.type !== type || m.to !== L || m.t < after || m.reject || !ok(m) || seen.has(m.from)) continue;
      seen.add(m.from);
      out.push({ from: m.from, t: m.t });
    }
    return out;
  };

  const rounds: Round[] = [];
  const indexes: number[] = [];
  const readIndexes: number[] = [];
  const usedFwd = new Set<number>();

  // Writes: every MsgApp that carries entries above what the leader had.
  let known = inp.lastIndex ?? -Infinity;
  for (const m of sends) {
    if (m.type !== 'MsgApp' || m.entries === 0) continue;
    const hi = m.index + m.entries;
    if (hi <= known) continue;
    const lo = Math.max(known, m.index) + 1;
    known = hi;
    const L = m.from;
    indexes.push(...Array.from({ length: hi - lo + 1 }, (_, i) => lo + i));
    const steps: PathStep[] = [];
    const fwd = sends.find((p) => p.type === 'MsgProp' && p.to === L && !usedFwd.has(p.mid) && (delivered.get(p.mid) ?? Infinity) <= m.t);
    if (fwd) {
      usedFwd.add(fwd.mid);
      steps.push({
        kind: 'forward',
        at: rel(fwd.t),
        text: `${name(fwd.from)} is a follower: it forwards the proposal to leader ${name(L)} (MsgProp, arrives after ${ms(delivered.get(fwd.mid)! - fwd.t)})`,
      });
    }
    const idx = lo === hi ? `index ${hi}` : `indexes ${lo}-${hi}`;
    steps.push({ kind: 'propose', at: rel(m.t), text: `leader ${name(L)} appends the entry to its raft log at ${idx} (term ${m.term})` });
    const carriers = sends.filter((a) => a.type === 'MsgApp' && a.from === L && a.t >= m.t && a.index < hi && a.index + a.entries >= hi);
    const fan = [...new Set(carriers.map((a) => a.to))];
    steps.push({ kind: 'append', at: rel(m.t), text: `MsgApp fans out to ${list(fan)}; each follower appends it and answers MsgAppResp` });
    const acks = acksFor(L, 'MsgAppResp', m.t, (a) => a.index >= hi);
    const q = quorum(acks, m.t);
    if (acks.length) {
      const who = acks.map((a) => `${name(a.from)} +${ms(rel(a.t))}`).join(', ');
      steps.push({ kind: 'ack', at: rel(acks[0]!.t), text: `acks: ${who}` + (q !== undefined ? ` — a quorum (${majority} of ${inp.voters}, the leader included) at +${ms(rel(q))}` : ` — no quorum yet (${majority} of ${inp.voters} needed)`) });
    }
    const commit = states.find((s) => s.node === L && s.t >= m.t && s.commit >= hi);
    if (commit) steps.push({ kind: 'commit', at: rel(commit.t), text: `with a quorum holding it, ${name(L)} marks ${idx} committed and applies it to its store` });
    if (entry && entry !== L) {
      const ap = states.find((s) => s.node === entry && s.t >= m.t && s.commit >= hi);
      if (ap) steps.push({ kind: 'apply', at: rel(ap.t), text: `${name(entry)} learns the commit from the leader's next MsgApp and applies ${idx} too` });
    }
    rounds.push({ t: fwd?.t ?? m.t, steps });
  }

  // Linearizable reads: a ReadIndex round, forwarded (MsgReadIndex) or on the leader itself.
  const readRound = (L: NodeId, from: NodeId, t0: number, fwd: Msg | undefined) => {
    const steps: PathStep[] = [];
    const at = fwd ? (delivered.get(fwd.mid) ?? Infinity) : t0;
    if (fwd) steps.push({ kind: 'readindex', at: rel(fwd.t), text: `${name(from)} asks leader ${name(L)} for a read index (MsgReadIndex, arrives after ${ms(at - fwd.t)})` });
    const hb = sends.filter((h) => h.type === 'MsgHeartbeat' && h.from === L && h.t >= at);
    const bt = hb[0]?.t;
    if (bt !== undefined && bt - at < 1) {
      const to = hb.filter((h) => h.t === bt).map((h) => h.to);
      steps.push({ kind: 'heartbeat', at: rel(bt), text: `${name(L)} confirms it still leads: a heartbeat round to ${list(to)} (MsgHeartbeat with the read's context)` });
      const acks = acksFor(L, 'MsgHeartbeatResp', bt, () => true);
      const q = quorum(acks, bt);
      if (q !== undefined) steps.push({ kind: 'ack', at: rel(q), text: `heartbeat quorum (${majority} of ${inp.voters}): ${list(acks.slice(0, majority - 1).map((a) => a.from))} answered` });
    }
    const resp = fwd ? sends.find((r) => r.type === 'MsgReadIndexResp' && r.from === L && r.to === from && r.t >= at) : undefined;
    if (resp) {
      readIndexes.push(resp.index);
      steps.push({ kind: 'readindex', at: rel(resp.t), text: `${name(L)} answers with read index ${resp.index} (MsgReadIndexResp)` });
    }
    const ri = resp ? ` ≥ ${resp.index}` : '';
    steps.push({ kind: 'read', at: rel(resp ? (delivered.get(resp.mid) ?? resp.t) : end), text: `${name(from)} waits until it has applied${ri || ' up to the commit index'}, then reads its own store` });
    rounds.push({ t: fwd?.t ?? t0, steps });
  };
  for (const m of sends) if (m.type === 'MsgReadIndex' && !usedFwd.has(m.mid)) readRound(m.to, m.from, m.t, m);
  const hasRead = sends.some((m) => m.type === 'MsgReadIndex');
  if (!hasRead && indexes.length === 0 && entry !== undefined && entry === leader && end > start) {
    // A read on the leader: the heartbeat broadcast carrying the read's context goes out at once.
    const sent = inp.sentAt ?? start;
    const hb = sends.find((h) => h.type === 'MsgHeartbeat' && h.from === leader && h.t >= sent);
    if (hb && hb.t - sent < 1) readRound(leader, leader, sent, undefined);
  }

  rounds.sort((a, b) => a.t - b.t);
  const max = inp.maxRounds ?? 4;
  const steps: PathStep[] = [];
  const kind: PathKind = indexes.length ? 'write' : rounds.length ? 'linearizable-read' : entry !== undefined ? 'local' : 'none';
  if (entry !== undefined) {
    const role = entry === leader ? 'the leader' : leader ? 'a follower' : 'a member';
    steps.push({ kind: 'client', at: rel(inp.sentAt ?? start), text: `etcdctl sends the request to ${name(entry)} (${role})` });
  }
  rounds.slice(0, max).forEach((r) => steps.push(...r.steps));
  if (rounds.length > max) steps.push({ kind: 'note', at: rel(rounds[max]!.t), text: `… and ${rounds.length - max} more raft round${rounds.length - max > 1 ? 's' : ''}` });
  if (kind === 'local') steps.push({ kind: 'read', at: rel(inp.sentAt ?? start), text: `${name(entry!)} answers from its own state, no raft round (a serializable read, or a call that only asks this member)` });
  if (kind === 'none') steps.push({ kind: 'note', at: 0, text: 'no request reached etcd (a shell or playground command acts on the simulation directly)' });
  if (entry !== undefined) {
    const rev = inp.revision !== undefined && kind === 'write' ? `, revision ${inp.revision}` : '';
    const how = inp.ok === false ? 'the command failed' : 'the reply reaches etcdctl';
    steps.push({ kind: 'reply', at: rel(end), text: `${how} after ${ms(end - start)}${rev}` });
  }
  return { kind, entry, leader, indexes, readIndexes, steps, duration: end - start };
}
