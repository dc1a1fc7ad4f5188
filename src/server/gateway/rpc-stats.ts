// Counters kept where one member's requests pass: every gRPC call (and
// every gateway call, which reaches the same handlers, as etcd's gateway
// calls its own gRPC server) is counted like go-grpc-prometheus counts it,
// and the calls that change state give the server and mvcc counters etcd
// keeps (requests this member served; the simulation keeps no counters).
import type { ServiceDefinition } from '@grpc/grpc-js';
import type { CallStatus, ServiceImpl, StreamCall, StreamHandler, UnaryHandler } from '../grpc/server-call.ts';
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
  instrument(name: EtcdServiceName, def: ServiceDefinition, impl: ServiceImpl): ServiceImpl {
    const out: ServiceImpl = {};
    for (const [method, fn] of Object.entries(impl)) {
      const d = def[method];
      if (!d) continue;
      const type: GrpcType = d.requestStream ? (d.responseStream ? 'bidi_stream' : 'client_stream') : d.responseStream ? 'server_stream' : 'unary';
      const st: MethodStats = { service: `etcdserverpb.${name}`, method, type, started: 0, received: 0, sent: 0, handled: GRPC_CODE_NAMES.map(() => 0) };
      this.methods.push(st);
      out[method] = type === 'unary' ? this.unary(st, fn as UnaryHandler) : this.streaming(st, fn as StreamHandler);
    }
    return out;
  }

  private unary(st: MethodStats, fn: UnaryHandler): UnaryHandler {
    const proposal = PROPOSALS.has(st.method);
    return (call, cb) => {
      st.started++;
      st.received++;
      if (proposal) this.proposalsPending++;
      fn(call, (err, value) => {
        const code = err ? err.code : 0;
        st.handled[code] = (st.handled[code] ?? 0) + 1;
        if (proposal) {
          this.proposalsPending--;
          if (code === CODE_DEADLINE || code === CODE_UNAVAILABLE) this.proposalsFailed++;
        }
        if (!err) {
          st.sent++;
          this.served(st.method);
        }
        cb(err, value);
      });
    };
  }

  private streaming(st: MethodStats, fn: StreamHandler): StreamHandler {
    return (call: StreamCall) => {
      st.started++;
      let done = false;
      const finish = (code: number): void => {
        if (done) return;
        done = true;
        st.handled[code] = (st.handled[code] ?? 0) + 1;
      };
      const write = call.write.bind(call);
      const end = call.end.bind(call);
      call.write = (msg) => {
        st.sent++;
        return write(msg);
      };
      call.end = () => {
        finish(0);
        end();
      };
      call.on('data', () => st.received++);
      call.on('error', (e: CallStatus) => finish(e?.code ?? 2));
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
