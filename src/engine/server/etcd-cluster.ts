// A simulated etcd cluster with its request path: a Cluster whose members run
// the etcd state machine, and one EtcdServer per running member. Servers
// follow the members' lives: a member's start (or restart) builds a fresh
// server with its fresh state machine; a crash or removal stops the old one,
// failing whatever waits on it with "etcdserver: server stopped". Raft state
// changes reach the servers through the cluster trace's lifecycle records, as
// etcd's raft loop hands SoftState to the server.
import { DecodedEntries } from './decoded-entries.ts';
import type { Callback, EtcdEndpoints, EtcdService, TimerHandle } from '../api/service.ts';
import { Cluster, type ClusterOptions } from '../cluster/cluster.ts';
import type { StateMachineContext } from '../cluster/statemachine.ts';
import type { TraceRecord } from '../cluster/trace.ts';
import type { Entry, NodeId } from '../raft/types.ts';
import { MemberConnection } from './connection.ts';
import { leaseKeepAlive, leaseTimeToLive, startLessorLoop } from './lease-loop.ts';
import { DEFAULT_MAX_REQUEST_BYTES, EtcdServer, type ServerHost } from './server.ts';
import { EtcdStateMachine, type EtcdStateMachineOptions } from './statemachine.ts';

export interface EtcdClusterOptions extends Omit<ClusterOptions, 'stateMachine'> {
  /** Options for every member's state machine (the waiters are the servers'). */
  stateMachine?: Omit<EtcdStateMachineOptions, 'waiters'>;
  /** --max-request-bytes (default 1.5 MiB). */
  maxRequestBytes?: number;
}

/** The state machine a served member runs: tells its server about the leader's no-op entries. */
export class ServedStateMachine extends EtcdStateMachine {
  server: EtcdServer | undefined;

  override apply(e: Entry): void {
    super.apply(e);
    // etcd promotes the leader's lessor once it applies an empty entry of its term.
    if (e.data.length === 0) this.server?.noopApplied();
  }
}

/** hostPort's answers (a pure function of a handful of URLs; bounded all the same). */
const hostPorts = new Map<string, string>();

/**
 * Where a client URL dials: etcdctl's endpoints are often bare host:port, and
 * a URL's scheme does not change where it dials. Memoized, and skipped
 * without a '/' (both patterns need one): every call resolves its endpoint
 * against every member's URLs.
 */
function hostPort(u: string): string {
  if (!u.includes('/')) return u;
  let hp = hostPorts.get(u);
  if (hp === undefined) {
    if (hostPorts.size >= 1024) hostPorts.clear();
    hp = u.replace(/^[a-z]+:\/\//, '').replace(/\/+$/, '');
    hostPorts.set(u, hp);
  }
  return hp;
}

export class EtcdCluster implements ServerHost, EtcdEndpoints {
  readonly cluster: Cluster;
  readonly maxRequestBytes: number;
  /** Each member's current server (a stopped one stays until the member starts again). */
  private readonly servers = new Map<NodeId, EtcdServer>();
  private readonly connections = new WeakMap<EtcdServer, MemberConnection>();
  private built = false;
  private readonly dialObservers = new Set<(id: NodeId) => void>();
  private readonly startUnix: number;

  constructor(opts: EtcdClusterOptions = {}) {
    this.maxRequestBytes = opts.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
    // The Cluster's default start epoch; request IDs mix in the start time, as etcd's do.
    this.startUnix = opts.startUnix ?? 1_600_000_000;
    // The members apply the same entry objects: one decoding each, shared.
    // The servers take the results they wait for: none is kept for takeResult.
    const smOpts = { decodedEntries: new DecodedEntries(4096, () => this.cluster.members.size), resultCapacity: 0, ...opts.stateMachine };
    const factory = (ctx: StateMachineContext): ServedStateMachine => {
      const sm: ServedStateMachine = new ServedStateMachine(ctx, {
        // etcd raises NOSPACE from a goroutine: propose it a moment later through this member.
        proposeAlarm: (req) => sm.server?.after(0, () => sm.server?.raftRequest('alarm', req, () => {})),
        ...smOpts,
        waiters: {
          take: (id) => sm.server?.w.take(id),
          deliver: (waiter, res) => sm.server?.applied(waiter as Callback<unknown>, res),
        },
      });
      this.serve(ctx.nodeId, sm);
      return sm;
    };
    this.cluster = new Cluster({ ...opts, stateMachine: factory });
    this.cluster.trace.subscribeLifecycle((r) => this.observe(r));
    this.built = true;
    for (const s of this.servers.values()) startLessorLoop(s);
  }

  // ---- EtcdEndpoints: what clients dial ----

  now(): number {
    return this.cluster.now();
  }

  after(ms: number, fn: () => void): TimerHandle {
    return this.cluster.after(ms, fn);
  }

  cancel(t: TimerHandle): void {
    this.cluster.cancel(t);
  }

  /** The member an endpoint names (by name, ID or client URL), if it is in the cluster. */
  resolve(endpoint: string): NodeId | undefined {
    const ep = hostPort(endpoint);
    for (const m of this.cluster.members.values()) {
      if (m.id === ep || m.name === ep) return m.id;
      for (const u of m.clientURLs) if (hostPort(u) === ep) return m.id;
    }
    return undefined;
  }

  /** A connection to member id while its server runs (a paused member still holds the connection). */
  connect(id: NodeId): EtcdService | undefined {
    if (this.dialObservers.size > 0) for (const o of this.dialObservers) o(id);
    const s = this.servers.get(id);
    const n = this.cluster.nodes.get(id);
    if (!s || s.stopped || !n || n.sm !== s.sm || n.life === 'crashed' || n.life === 'stopped') return undefined;
    let c = this.connections.get(s);
    if (!c) this.connections.set(s, (c = new MemberConnection(s)));
    return c;
  }

  /** Follows which member each client call dials (the page's request-path view); returns the undo. */
  onDial(fn: (id: NodeId) => void): () => void {
    this.dialObservers.add(fn);
    return () => this.dialObservers.delete(fn);
  }

  /** ServerHost: member id's current server, if it ever started. */
  server(id: NodeId): EtcdServer | undefined {
    return this.servers.get(id);
  }

  /** Member id's server, for tests and the UI; throws if there is none. */
  get(id: NodeId): EtcdServer {
    const s = this.servers.get(id);
    if (!s) throw new Error(`no server for member ${id}`);
    return s;
  }

  /** The server of the member that leads now, if any. */
  leaderServer(): EtcdServer | undefined {
    const l = this.cluster.leader();
    return l ? this.servers.get(l.id) : undefined;
  }

  ids(): NodeId[] {
    return [...this.servers.keys()];
  }

  keepAlive(id: NodeId, lease: string, cb: Parameters<typeof leaseKeepAlive>[2]): void {
    leaseKeepAlive(this.get(id), lease, cb);
  }

  timeToLive(id: NodeId, req: Parameters<typeof leaseTimeToLive>[1], cb: Parameters<typeof leaseTimeToLive>[2]): void {
    leaseTimeToLive(this.get(id), req, cb);
  }

  /** A member (re)starts with a new state machine: it gets a new server; the old one is done. */
  private serve(id: NodeId, sm: ServedStateMachine): void {
    this.servers.get(id)?.stop();
    // idutil.NewGenerator(memberID, time.Now()): the wall clock at start, here the virtual one.
    const now = this.built ? this.cluster.now() : 0;
    const s = new EtcdServer(this, id, sm, this.startUnix * 1000 + now);
    sm.server = s;
    this.servers.set(id, s);
    if (this.built) startLessorLoop(s);
  }

  private observe(r: TraceRecord): void {
    if (r.kind === 'state') this.servers.get(r.node)?.softState(r.role, r.lead);
    else if (r.kind === 'node' && (r.event === 'crash' || r.event === 'stop')) this.servers.get(r.node)?.stop();
    else if (r.kind === 'node' && r.event === 'resume') this.servers.get(r.node)?.resumed();
  }
}
