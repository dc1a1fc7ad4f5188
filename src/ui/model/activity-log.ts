// What the terminals ran: each command line with the tab it ran in, its
// virtual start and end, its exit status and, once it ends, the request path
// derived from the trace records it caused. A shell is followed through its
// observers (each line typed and when it was handled); the member a
// command's client dials is seen through the cluster's dial observers. While a
// command runs, its records are collected from a trace subscription (capped),
// so the trace's own ring buffer may be small. Plain data out: runs() copies.
import type { TraceRecord } from '../../engine/cluster/trace.ts';
import type { NodeId } from '../../engine/raft/types.ts';
import type { World } from '../../terminal/core/world.ts';
import type { Shell } from '../../terminal/shell/shell.ts';
import { derivePath, type RequestPath } from './request-path.ts';

export interface CommandRun {
  seq: number;
  tab: number;
  line: string;
  /** Virtual times. */
  start: number;
  end: number | undefined;
  status: number | undefined;
  /** Set once the command ended. */
  path: RequestPath | undefined;
}

interface Live {
  run: CommandRun;
  records: TraceRecord[];
  unsubscribe: () => void;
  entry: NodeId | undefined;
  /** When the client first dialed a member. */
  dialedAt: number | undefined;
  leader: NodeId | undefined;
  lastIndex: number | undefined;
  revs: Map<NodeId, number>;
}

const MAX_RECORDS = 3000;

export class ActivityLog {
  private list: CommandRun[] = [];
  private live = new Set<Live>();
  private seq = 0;
  /** Bumped on every change (a view re-copies when it moves). */
  version = 0;

  constructor(
    private readonly world: () => World,
    private readonly keep = 30,
  ) {}

  /** Follows the commands of one shell (tab numbers the pane's tabs); returns the undo. */
  track(tab: number, shell: Shell): () => void {
    const open = new Map<number, Live>();
    return shell.observe((e) => {
      if (e.kind === 'line') {
        // A line for a running command's stdin, or one that continues an open quote, is not a command.
        if (e.busy || e.prompt !== '$ ' || e.line!.trim() === '') return;
        open.set(e.id, this.begin(tab, e.line!));
      } else if (e.kind === 'done') {
        const l = open.get(e.id);
        if (!l) return;
        open.delete(e.id);
        if (e.prompt !== '$ ') this.discard(l);
        else this.finish(l, shell.status);
      }
    });
  }

  /** Learns which member each running command dials; returns the undo. */
  watchConnects(w: World): () => void {
    const etcd = w.etcd;
    return etcd.onDial((id: NodeId) => {
      for (const l of this.live) {
        if (l.entry !== undefined) continue;
        l.entry = id;
        l.dialedAt = etcd.now();
      }
    });
  }

  begin(tab: number, line: string): Live {
    const w = this.world();
    const c = w.etcd.cluster;
    const leader = c.leader();
    const revs = new Map<NodeId, number>();
    for (const id of w.etcd.ids()) revs.set(id, w.etcd.get(id).sm.kv.rev);
    const run: CommandRun = { seq: ++this.seq, tab, line, start: w.now(), end: undefined, status: undefined, path: undefined };
    const records: TraceRecord[] = [];
    const live: Live = {
      run,
      records,
      entry: undefined,
      dialedAt: undefined,
      leader: leader?.id,
      lastIndex: leader?.rn?.raft.raftLog.lastIndex(),
      revs,
      unsubscribe: () => {},
    };
    const unsub = c.trace.subscribe((r) => {
      if (r.kind === 'log' || r.kind === 'net') return;
      records.push(r);
      if (records.length >= MAX_RECORDS) unsub();
    });
    live.unsubscribe = unsub;
    this.live.add(live);
    this.list.push(run);
    if (this.list.length > this.keep) this.list.splice(0, this.list.length - this.keep);
    this.version++;
    return live;
  }

  finish(l: Live, status: number): void {
    l.unsubscribe();
    this.live.delete(l);
    const w = this.world();
    const c = w.etcd.cluster;
    const end = w.now();
    const entry = l.entry;
    const before = entry !== undefined ? l.revs.get(entry) : undefined;
    const after = entry !== undefined ? w.etcd.server(entry)?.sm.kv.rev : undefined;
    const leaderNode = l.leader !== undefined ? c.nodes.get(l.leader) : undefined;
    const voters = leaderNode?.confState.voters.length || c.nodes.size;
    l.run.end = end;
    l.run.status = status;
    l.run.path = derivePath({
      records: l.records,
      start: l.run.start,
      end,
      entry,
      sentAt: l.dialedAt,
      leader: l.leader,
      lastIndex: l.lastIndex,
      voters,
      name: (id) => c.nodes.get(id)?.name ?? id,
      revision: before !== undefined && after !== undefined && after > before ? after : undefined,
      ok: status === 0,
    });
    this.version++;
  }

  private discard(l: Live): void {
    l.unsubscribe();
    this.live.delete(l);
    this.list = this.list.filter((r) => r !== l.run);
    this.version++;
  }

  /** Copies of the latest runs, newest first. */
  runs(): CommandRun[] {
    return this.list.map((r) => ({ ...r })).reverse();
  }

  /** The command lines still running, by tab. */
  running(): { tab: number; line: string }[] {
    return [...this.live].map((l) => ({ tab: l.run.tab, line: l.run.line }));
  }

  /** Forgets everything (a new world). */
  reset(): void {
    for (const l of this.live) l.unsubscribe();
    this.live.clear();
    this.list = [];
    this.version++;
  }
}
