// One member's client port, as etcd 3.4 serves it: gRPC and HTTP/1.x on
// the same listener. Each connection's first bytes decide: the HTTP/2
// client preface goes to the member's gRPC server, anything else to its
// HTTP side (health, version, metrics, the JSON gateway). https:// URLs
// first go through TLS (../tls.ts). Both sides call the same service
// implementations, counted for /metrics.
import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { ServiceDefinition } from '@grpc/grpc-js';
import type { EtcdCluster } from '../../engine/server/etcd-cluster.ts';
import { NONE, type NodeId } from '../../engine/raft/types.ts';
import type { MemberBinding } from '../grpc/call.ts';
import type { EtcdServiceName } from '../grpc/load.ts';
import type { GrpcServer } from '../grpc/server.ts';
import { type loadClientTLS, tlsTerminator } from '../tls.ts';
import type { ServiceImpls } from './gateway.ts';
import { httpFront } from './http.ts';
import { type MemberCounters, memberMetrics } from './metrics.ts';
import { RpcStats } from './rpc-stats.ts';

const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
/** Enough of the preface to tell it from any HTTP/1.x method. */
const SNIFF_BYTES = 4;

export interface ClientPortOptions {
  readonly cluster: EtcdCluster;
  readonly id: NodeId;
  readonly binding: MemberBinding;
  readonly grpc: GrpcServer;
  readonly definitions: Record<EtcdServiceName, ServiceDefinition>;
  readonly services: ServiceImpls;
  readonly tls: ReturnType<typeof loadClientTLS> | undefined;
  /** embed's log lines (rejected TLS connections). */
  log(text: string): void;
}

export class ClientPort {
  readonly counters: MemberCounters = { rpc: new RpcStats(), leaderChanges: 0, healthSuccess: 0, healthFailures: 0 };
  private readonly http: HttpServer;
  private readonly secure: ((sock: Socket) => void) | undefined;
  private readonly unsubscribe: () => void;

  constructor(private readonly o: ClientPortOptions) {
    const impls = {} as ServiceImpls;
    for (const [name, impl] of Object.entries(o.services) as [EtcdServiceName, ServiceImpls[EtcdServiceName]][]) {
      impls[name] = this.counters.rpc.instrument(name, o.definitions[name], impl);
      o.grpc.addService(o.definitions[name], impls[name]);
    }
    this.http = httpFront({
      impls,
      binding: o.binding,
      counters: this.counters,
      metricsText: () => o.binding.rt.enter(() => memberMetrics(o.cluster, o.id, this.counters)),
    });
    this.secure = o.tls ? tlsTerminator(o.tls, (s) => this.sniff(s), (line) => o.log(line)) : undefined;
    this.unsubscribe = this.countLeaderChanges();
  }

  /** A TCP connection accepted on one of the member's URLs (TLS ones when secure). */
  accept(sock: Socket, secure: boolean): void {
    if (secure && this.secure) this.secure(sock);
    else this.sniff(sock);
  }

  close(): void {
    this.unsubscribe();
    this.http.closeAllConnections();
  }

  /** etcd counts a leader change whenever raft reports a leader other than the last one. */
  private countLeaderChanges(): () => void {
    const c = this.o.cluster.cluster;
    let last = c.nodes.get(this.o.id)?.rn?.raft.lead ?? NONE;
    if (last !== NONE) this.counters.leaderChanges++;
    return c.trace.subscribe((r) => {
      if (r.kind !== 'state' || r.node !== this.o.id || r.lead === last) return;
      last = r.lead;
      if (r.lead !== NONE) this.counters.leaderChanges++;
    });
  }

  private sniff(sock: Socket | TLSSocket): void {
    let seen = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      seen = Buffer.concat([seen, chunk]);
      const n = Math.min(seen.length, SNIFF_BYTES);
      if (seen.length < SNIFF_BYTES && seen.subarray(0, n).equals(H2_PREFACE.subarray(0, n))) return;
      sock.removeListener('data', onData);
      sock.pause();
      if (seen.subarray(0, SNIFF_BYTES).equals(H2_PREFACE.subarray(0, SNIFF_BYTES))) this.o.grpc.accept(sock, seen);
      else {
        sock.unshift(seen);
        this.http.emit('connection', sock);
      }
      process.nextTick(() => sock.resume());
    };
    sock.on('data', onData);
    sock.on('error', () => {});
  }
}
