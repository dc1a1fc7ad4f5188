// `serve`: a simulated etcd cluster run in real time behind real gRPC
// listeners, one gRPC server per member on that member's client URLs, so
// etcdctl and any clientv3 program can talk to it like to etcd 3.4. The
// members' etcd-style log lines go to the logger as the engine emits them.
import { type Server as NetServer, createServer } from 'node:net';
import { join } from 'node:path';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { AuthorityFixingSocket } from './grpc/authority.ts';
import { minLeaseTTL } from '../engine/lease/config.ts';
import type { NodeId } from '../engine/raft/types.ts';
import { NONE } from '../engine/raft/types.ts';
import { EtcdCluster } from '../engine/server/etcd-cluster.ts';
import { ETCD_VERSION } from '../engine/server/maintenance.ts';
import type { TraceRecord } from '../engine/cluster/trace.ts';
import type { ServeConfig } from './flags.ts';
import type { MemberBinding } from './grpc/call.ts';
import { authHandlers, clusterHandlers, maintenanceHandlers } from './grpc/handlers-admin.ts';
import { kvHandlers, leaseHandlers, watchHandlers } from './grpc/handlers-kv.ts';
import { etcdServices } from './grpc/load.ts';
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

/** host:port of an http:// URL. */
function hostPort(url: string): string {
  return url.replace(/^\w+:\/\//, '').replace(/\/$/, '');
}

/**
 * Listens on url and hands each connection to the gRPC server through the
 * :authority fix (grpc/authority.ts). Fails like etcd on a taken port.
 */
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
  // An existing data dir wins over --initial-cluster (persist/datadir.ts).
  const restore = loadDataDirs(cfg, (level, pkg, text, member) => logger.log(level, pkg, text, member));
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
  const nameOf = (id: NodeId): string => c.members.get(id)?.name ?? id;

  // What the engine logged while it was built, then everything as it comes.
  const emit = (r: TraceRecord): void => {
    if (r.kind === 'log') logger.log(r.level, r.pkg, r.text, nameOf(r.node));
  };
  for (const r of c.trace.records()) emit(r);
  const runner = new RealtimeRunner(c);

  const servers = new Map<NodeId, Server>();
  const listeners: NetServer[] = [];
  const pendingReady = new Set(c.members.keys());
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const announce = (id: NodeId): void => {
    const m = c.members.get(id);
    if (!m) return;
    const name = m.name;
    logger.log('I', 'etcdserver', `published {Name:${name} ClientURLs:[${m.clientURLs.join(' ')}]} to cluster ${c.clusterId()}`, name);
    logger.log('I', 'embed', 'ready to serve client requests', name);
    for (const u of listenURLsOf(id)) logger.log('N', 'embed', `serving insecure client requests on ${hostPort(u)}, this is strongly discouraged!`, name);
  };
  const listenURLsOf = (id: NodeId): string[] => {
    const m = c.members.get(id);
    return cfg.members.find((x) => x.name === m?.name)?.listenURLs ?? m?.clientURLs ?? [];
  };

  const startListener = async (id: NodeId): Promise<void> => {
    if (servers.has(id)) return;
    const server = new Server({
      'grpc.max_receive_message_length': cfg.maxRequestBytes + GRPC_OVERHEAD_BYTES,
      'grpc.max_send_message_length': -1,
    });
    servers.set(id, server);
    const binding: MemberBinding = {
      rt: runner,
      connect: () => cluster.connect(id),
      hasLeader: () => (c.nodes.get(id)?.rn?.raft.lead ?? NONE) !== NONE,
    };
    const defs = etcdServices();
    server.addService(defs.KV, kvHandlers(binding));
    server.addService(defs.Watch, watchHandlers(binding));
    server.addService(defs.Lease, leaseHandlers(binding));
    server.addService(defs.Cluster, clusterHandlers(binding));
    server.addService(defs.Maintenance, maintenanceHandlers(binding));
    server.addService(defs.Auth, authHandlers(binding));
    const injector = server.createConnectionInjector(ServerCredentials.createInsecure());
    for (const u of listenURLsOf(id)) listeners.push(await listen(u, (sock) => injector.injectConnection(new AuthorityFixingSocket(sock))));
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
    // A member added at runtime gets its own listener on the client URLs the engine gave it.
    if (r.kind === 'node' && r.event === 'start' && !servers.has(r.node)) {
      setImmediate(() =>
        startListener(r.node).catch((e: Error) => logger.log('E', 'embed', `failed to serve member ${r.node}: ${e.message}`, nameOf(r.node))),
      );
    }
  });

  // Listeners first, as etcd binds before it opens the data dir: a taken port leaves no files.
  for (const id of c.members.keys()) await startListener(id);
  const persist = new Persistence(c, cfg, restore !== undefined);
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
    for (const l of listeners) l.close();
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
