// `serve`: a simulated etcd cluster run in real time behind real gRPC
// listeners, one gRPC server per member on that member's client URLs, so
// etcdctl and any clientv3 program can talk to it like to etcd 3.4. The
// members' etcd-style log lines go to the logger as the engine emits them.
import { type Server as NetServer, type Socket, createServer } from 'node:net';
import { join } from 'node:path';
import { minLeaseTTL } from '../engine/lease/config.ts';
import type { NodeId } from '../engine/raft/types.ts';
import { NONE } from '../engine/raft/types.ts';
import { EtcdCluster } from '../engine/server/etcd-cluster.ts';
import { ETCD_VERSION } from '../engine/server/maintenance.ts';
import type { TraceRecord } from '../engine/cluster/trace.ts';
import { applyPlaygroundState } from '../engine/cluster/playground-state.ts';
import type { ServeConfig } from './flags.ts';
import { ClientPort } from './gateway/port.ts';
import { clientTLSFor } from './tls.ts';
import type { MemberBinding } from './grpc/call.ts';
import { authHandlers, clusterHandlers, maintenanceHandlers } from './grpc/handlers-admin.ts';
import { kvHandlers, leaseHandlers, watchHandlers } from './grpc/handlers-kv.ts';
import { etcdServices } from './grpc/load.ts';
import { MAX_CONCURRENT_STREAMS } from './grpc/limits.ts';
import { GrpcServer } from './grpc/server.ts';
import type { EtcdLogger } from './log.ts';
import { RealtimeRunner } from './realtime.ts';
import { Persistence, dataDirOf, loadDataDirs } from './persist/datadir.ts';

/** v3rpc's grpcOverheadBytes: a request may be this much bigger than --max-request-bytes on the wire. */
const GRPC_OVERHEAD_BYTES = 512 * 1024;

export interface Served {
  readonly cluster: EtcdCluster;
  readonly runner: RealtimeRunner;
  readonly persist: Persistence;
  /** Resolves once every initial member knows a leader (etcd's "ready to serve client requests"). */
  readonly ready: Promise<void>;
  /** Stops the simulation and closes every listener. */
  close(): Promise<void>;
}

const NO_TLS_FLAGS = { certFile: '', keyFile: '', trustedCAFile: '', clientCertAuth: false };
const isSecure = (url: string): boolean => url.startsWith('https://');

/** host:port of an http:// URL. */
function hostPort(url: string): string {
  return url.replace(/^\w+:\/\//, '').replace(/\/$/, '');
}

/** Listens on url and hands each connection to accept. Fails like etcd on a taken port. */
function listen(url: string, accept: (sock: import('node:net').Socket) => void): Promise<NetServer> {
  const hp = hostPort(url);
  const colon = hp.lastIndexOf(':');
  const host = hp.slice(0, colon).replace(/^\[|\]$/g, '');
  const port = Number(hp.slice(colon + 1));
  return new Promise((resolve, reject) => {
    // Small gRPC frames must not wait for Nagle's algorithm (40 ms with delayed ACKs).
    const srv = createServer({ noDelay: true }, accept);
    srv.once('error', (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === 'EADDRINUSE' ? `listen tcp ${hp}: bind: address already in use` : `listen tcp ${hp}: ${e.message}`)),
    );
    srv.listen(port, host, () => resolve(srv));
  });
}

export async function serve(cfg: ServeConfig, logger: EtcdLogger): Promise<Served> {
  const electionTicks = Math.floor(cfg.electionTimeout / cfg.heartbeatInterval);
  // TLS files are read (and their errors fatal) before anything listens or touches the data dir.
  const clientTLS = clientTLSFor(cfg.clientTLS ?? NO_TLS_FLAGS, cfg.members.flatMap((m) => m.listenURLs), (level, text) => logger.log(level, 'embed', text));
  // An existing data dir wins over --initial-cluster (persist/datadir.ts); --import's file is written to fresh ones (import.ts).
  const restore = cfg.imported?.image ?? loadDataDirs(cfg, (level, pkg, text, member) => logger.log(level, pkg, text, member));
  const cluster = new EtcdCluster({
    restore,
    seed: cfg.seed,
    members: cfg.members.map((m) => ({ name: m.name, peerURLs: m.peerURLs, clientURLs: m.advertiseURLs })),
    clusterToken: cfg.clusterToken,
    heartbeatInterval: cfg.heartbeatInterval,
    electionTimeout: cfg.electionTimeout,
    preVote: cfg.preVote,
    snapshotCount: cfg.snapshotCount,
    snapshotCatchUpEntries: 5000,
    // The members share one process: their links are as fast as loopback
    // (tens of µs), not the page's 1-5 ms LAN, which would cost every commit two such hops.
    network: { latencyMin: 0, latencyMax: 0 },
    // Room for the startup lines logged before anyone can subscribe.
    traceCapacity: 512,
    startUnix: Math.floor(Date.now() / 1000),
    maxRequestBytes: cfg.maxRequestBytes,
    stateMachine: {
      seed: cfg.seed,
      quotaBytes: cfg.quotaBackendBytes,
      minLeaseTTL: minLeaseTTL(cfg.heartbeatInterval, cfg.heartbeatInterval * electionTicks),
    },
  });
  const c = cluster.cluster;
  if (cfg.imported) applyPlaygroundState(c, cfg.imported.network, cfg.imported.image);
  const nameOf = (id: NodeId): string => c.members.get(id)?.name ?? id;

  // What the engine logged while it was built, then everything as it comes.
  const emit = (r: TraceRecord): void => {
    if (r.kind === 'log') logger.log(r.level, r.pkg, r.text, nameOf(r.node));
  };
  for (const r of c.trace.records()) emit(r);
  const runner = new RealtimeRunner(c);

  const servers = new Map<NodeId, GrpcServer>();
  const ports = new Map<NodeId, ClientPort>();
  // Per member, so a member that crashes or stops closes its own port (clients get connection refused).
  const listeners = new Map<NodeId, { servers: NetServer[]; sockets: Set<Socket> }>();
  const pendingReady = new Set(c.members.keys());
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const announce = (id: NodeId): void => {
    const m = c.members.get(id);
    if (!m) return;
    const name = m.name;
    logger.log('I', 'etcdserver', `published {Name:${name} ClientURLs:[${m.clientURLs.join(' ')}]} to cluster ${c.clusterId()}`, name);
    logger.log('I', 'embed', 'ready to serve client requests', name);
    for (const u of listenURLsOf(id)) {
      if (isSecure(u)) logger.log('I', 'embed', `serving client requests on ${hostPort(u)}`, name);
      else logger.log('N', 'embed', `serving insecure client requests on ${hostPort(u)}, this is strongly discouraged!`, name);
    }
  };
  const listenURLsOf = (id: NodeId): string[] => {
    const m = c.members.get(id);
    return cfg.members.find((x) => x.name === m?.name)?.listenURLs ?? m?.clientURLs ?? [];
  };

  const startListener = async (id: NodeId): Promise<void> => {
    if (servers.has(id)) return;
    const server = new GrpcServer({ maxConcurrentStreams: MAX_CONCURRENT_STREAMS, maxRecvBytes: cfg.maxRequestBytes + GRPC_OVERHEAD_BYTES });
    servers.set(id, server);
    const binding: MemberBinding = {
      rt: runner,
      connect: () => cluster.connect(id),
      hasLeader: () => (c.nodes.get(id)?.rn?.raft.lead ?? NONE) !== NONE,
    };
    // gRPC and the HTTP side (gateway, /health, /version, /metrics) share each port (gateway/port.ts).
    const port = new ClientPort({
      cluster,
      id,
      binding,
      grpc: server,
      definitions: etcdServices(),
      services: {
        KV: kvHandlers(binding),
        Watch: watchHandlers(binding),
        Lease: leaseHandlers(binding),
        Cluster: clusterHandlers(binding),
        Maintenance: maintenanceHandlers(binding),
        Auth: authHandlers(binding),
      },
      tls: clientTLS,
      log: (text) => logger.log('I', 'embed', text, nameOf(id)),
    });
    ports.set(id, port);
    const own = { servers: [] as NetServer[], sockets: new Set<Socket>() };
    listeners.set(id, own);
    const accept = (sock: Socket, secure: boolean): void => {
      own.sockets.add(sock);
      sock.once('close', () => own.sockets.delete(sock));
      port.accept(sock, secure);
    };
    for (const u of listenURLsOf(id)) {
      const l = await listen(u, (sock) => accept(sock, isSecure(u)));
      // The member went down while its port was being opened: that port goes too.
      if (listeners.get(id) === own) own.servers.push(l);
      else l.close();
    }
  };

  /** The member's process is gone: its ports close and open connections drop, as after etcd exits. */
  const stopListener = (id: NodeId): void => {
    const own = listeners.get(id);
    listeners.delete(id);
    for (const l of own?.servers ?? []) l.close();
    for (const sock of own?.sockets ?? []) sock.destroy();
    ports.get(id)?.close();
    ports.delete(id);
    servers.get(id)?.forceShutdown();
    servers.delete(id);
  };

  /** A member is ready once it knows a leader; announced after the engine's own line. */
  const noteLeader = (id: NodeId): void => {
    if (!pendingReady.delete(id)) return;
    setImmediate(() => {
      announce(id);
      if (pendingReady.size === 0) markReady();
    });
  };

  c.trace.subscribe((r) => {
    emit(r);
    if (r.kind === 'state' && r.lead !== NONE) noteLeader(r.node);
    if (r.kind === 'node' && (r.event === 'crash' || r.event === 'stop')) stopListener(r.node);
    // A member added at runtime gets its own listener on the client URLs the engine gave it; a restarted one reopens its own.
    if (r.kind === 'node' && (r.event === 'start' || r.event === 'restart') && !servers.has(r.node)) {
      setImmediate(() =>
        startListener(r.node).catch((e: Error) => logger.log('E', 'embed', `failed to serve member ${r.node}: ${e.message}`, nameOf(r.node))),
      );
    }
  });

  // Listeners first, as etcd binds before it opens the data dir: a taken port leaves no files.
  for (const id of c.members.keys()) await startListener(id);
  const persist = new Persistence(c, cfg, restore !== undefined && !cfg.imported);
  runner.afterRun = () => {
    try {
      persist.barrier();
    } catch (e) {
      // etcd exits when it cannot write its WAL.
      logger.log('C', 'etcdserver', `failed to save raft state: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    }
  };
  // A leader elected while the cluster was built left no record to see.
  for (const id of [...pendingReady]) {
    const lead = c.nodes.get(id)?.rn?.raft.lead ?? NONE;
    if (lead !== NONE) noteLeader(id);
  }
  runner.start();

  const close = async (): Promise<void> => {
    const voters = [...c.nodes.values()].filter((n) => n.isUp()).length;
    if (voters === 1) logger.log('I', 'etcdserver', 'skipped leadership transfer for single voting member cluster', nameOf([...c.nodes.keys()][0]!));
    runner.stop();
    persist.close();
    for (const own of listeners.values()) for (const l of own.servers) l.close();
    for (const p of ports.values()) p.close();
    await Promise.all(
      [...servers.values()].map(
        (s) =>
          new Promise<void>((resolve) => {
            // Open streams (watches, keep-alives) would hold a graceful shutdown forever.
            const t = setTimeout(() => {
              s.forceShutdown();
              resolve();
            }, 500);
            s.tryShutdown(() => {
              clearTimeout(t);
              resolve();
            });
          }),
      ),
    );
  };
  return { cluster, runner, persist, ready, close };
}

/** etcdmain's and embed's opening lines. */
export function logStartup(cfg: ServeConfig, logger: EtcdLogger): void {
  for (const m of cfg.members) {
    logger.log('I', 'etcdmain', `etcd Version: ${ETCD_VERSION}`, m.name);
    logger.log('I', 'etcdmain', 'Git SHA: Not provided (etcd-playground)', m.name);
    logger.log('I', 'etcdmain', `Go Version: node ${process.version}`, m.name);
    logger.log('I', 'etcdmain', `Go OS/Arch: ${process.platform}/${process.arch}`, m.name);
    logger.log('I', 'embed', `name = ${m.name}`, m.name);
    const dir = dataDirOf(cfg)(m.name);
    logger.log('I', 'embed', `data dir = ${dir}`, m.name);
    logger.log('I', 'embed', `member dir = ${join(dir, 'member')}`, m.name);
    logger.log('I', 'embed', `heartbeat = ${cfg.heartbeatInterval}ms`, m.name);
    logger.log('I', 'embed', `election = ${cfg.electionTimeout}ms`, m.name);
    logger.log('I', 'embed', `snapshot count = ${cfg.snapshotCount}`, m.name);
    logger.log('I', 'embed', `advertise client URLs = ${m.advertiseURLs.join(',')}`, m.name);
  }
}
