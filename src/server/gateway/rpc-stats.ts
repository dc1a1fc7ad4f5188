// Counters kept where one member's requests pass: every gRPC call (and
// every gateway call, which reaches the same handlers, as etcd's gateway
// calls its own gRPC server) is counted like go-grpc-prometheus counts it,
// and the calls that change state give the server and mvcc counters etcd
// keeps (requests this member served; the simulation keeps no counters).
import type { ServiceDefinition, ServiceError, UntypedServiceImplementation } from '@grpc/grpc-js';
import type { EtcdServiceName } from '../grpc/load.ts';

/** gRPC status codes by number, as go-grpc-prometheus labels them. */
export const GRPC_CODE_NAMES = [
  'OK',
  'Canceled',
  'Unknown',
  'InvalidArgument',
  'DeadlineExceeded',
  'NotFound',
  'AlreadyExists',
  'PermissionDenied',
  'ResourceExhausted',
  'FailedPrecondition',
  'Aborted',
  'OutOfRange',
  'Unimplemented',
  'Internal',
  'Unavailable',
  'DataLoss',
  'Unauthenticated',
] as const;

export type GrpcType = 'unary' | 'client_stream' | 'server_stream' | 'bidi_stream';

export interface MethodStats {
  readonly service: string;
  readonly method: string;
  readonly type: GrpcType;
  started: number;
  received: number;
  sent: number;
  /** Completed calls by status code. */
  readonly handled: number[];
}

/** Calls that go through raft: in flight they are pending proposals; failing they are failed proposals. */
const PROPOSALS = new Set([
  'Put',
  'DeleteRange',
  'Txn',
  'Compact',
  'LeaseGrant',
  'LeaseRevoke',
  'Alarm',
  'AuthEnable',
  'AuthDisable',
  'UserAdd',
  'UserDelete',
  'UserChangePassword',
  'UserGrantRole',
  'UserRevokeRole',
  'RoleAdd',
  'RoleDelete',
  'RoleGrantPermission',
  'RoleRevokePermission',
]);
const CODE_DEADLINE = 4;
const CODE_UNAVAILABLE = 14;

type Unary = (call: unknown, cb: (err: Partial<ServiceError> | null, value?: unknown, ...rest: unknown[]) => void) => void;
type Streaming = (call: StreamCall) => void;
interface StreamCall {
  write(msg: unknown, ...rest: unknown[]): boolean;
  end(...rest: unknown[]): unknown;
  on(event: string, fn: (...a: never[]) => void): unknown;
}

export class RpcStats {
  readonly methods: MethodStats[] = [];
  proposalsPending = 0;
  proposalsFailed = 0;
  puts = 0;
  deletes = 0;
  txns = 0;
  ranges = 0;
  leasesGranted = 0;
  leasesRevoked = 0;

  /** The implementation with every call counted. */
  instrument(name: EtcdServiceName, def: ServiceDefinition, impl: UntypedServiceImplementation): UntypedServiceImplementation {
    const out: UntypedServiceImplementation = {};
    for (const [method, fn] of Object.entries(impl)) {
      const d = def[method];
      if (!d) continue;
      const type: GrpcType = d.requestStream ? (d.responseStream ? 'bidi_stream' : 'client_stream') : d.responseStream ? 'server_stream' : 'unary';
      const st: MethodStats = { service: `etcdserverpb.${name}`, method, type, started: 0, received: 0, sent: 0, handled: GRPC_CODE_NAMES.map(() => 0) };
      this.methods.push(st);
      out[method] = (type === 'unary' ? this.unary(st, fn as Unary) : this.streaming(st, fn as Streaming)) as UntypedServiceImplementation[string];
    }
    return out;
  }

  private unary(st: MethodStats, fn: Unary): Unary {
    const proposal = PROPOSALS.has(st.method);
    return (call, cb) => {
      st.started++;
      st.received++;
      if (proposal) this.proposalsPending++;
      fn(call, (err, value, ...rest) => {
        const code = err ? (err.code ?? 2) : 0;
        st.handled[code] = (st.handled[code] ?? 0) + 1;
        if (proposal) {
          this.proposalsPending--;
          if (code === CODE_DEADLINE || code === CODE_UNAVAILABLE) this.proposalsFailed++;
        }
        if (!err) {
          st.sent++;
          this.served(st.method);
        }
        cb(err, value, ...rest);
      });
    };
  }

  private streaming(st: MethodStats, fn: Streaming): Streaming {
    return (call) => {
      st.started++;
      let done = false;
      const finish = (code: number): void => {
        if (done) return;
        done = true;
        st.handled[code] = (st.handled[code] ?? 0) + 1;
      };
      const write = call.write.bind(call);
      const end = call.end.bind(call);
      call.write = (msg, ...rest) => {
        st.sent++;
        return write(msg, ...rest);
      };
      call.end = (...rest) => {
        finish(0);
        return end(...rest);
      };
      call.on('data', () => st.received++);
      call.on('error', (e: Partial<ServiceError>) => finish(e?.code ?? 2));
      call.on('cancelled', () => finish(1));
      fn(call);
    };
  }

  private served(method: string): void {
    if (method === 'Put') this.puts++;
    else if (method === 'DeleteRange') this.deletes++;
    else if (method === 'Txn') this.txns++;
    else if (method === 'Range') this.ranges++;
    else if (method === 'LeaseGrant') this.leasesGranted++;
    else if (method === 'LeaseRevoke') this.leasesRevoked++;
  }
}
