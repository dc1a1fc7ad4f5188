// How a gRPC call reaches one member's EtcdService: inside the real-time
// runner, with the token from the call's "token" metadata (the key
// clientv3 puts its auth token under), completing once with a response or
// with the engine's error as a status.
import type { Callback, EtcdService, RequestError } from '../../engine/api/service.ts';
import type { RealtimeRunner } from '../realtime.ts';
import type { Wire } from './codec-kv.ts';
import { ProposalGate, TOO_MANY_REQUESTS } from './limits.ts';
import { MalformedRequest } from './wire-check.ts';
import { STOPPED, toStatus } from './status.ts';
import { type CallMetadata, type CallStatus, Code, type StreamCall, type UnaryCall, type UnaryHandler } from './server-call.ts';

/** One member as its listener sees it. */
export interface MemberBinding {
  readonly rt: RealtimeRunner;
  /** The member's service while it runs; undefined when it is down. */
  connect(): EtcdService | undefined;
  /** Whether the member knows a leader (for calls that require one). */
  hasLeader(): boolean;
}

/** rpctypes.ErrGRPCNoLeader. */
export const NO_LEADER: RequestError = { message: 'etcdserver: no leader', code: 'Unavailable' };

/**
 * clientv3.WithRequireLeader puts "hasleader: true" in the metadata (etcdctl
 * does for watches); etcd's interceptors then refuse the call on a member
 * that knows no leader.
 */
export function leaderMissing(m: MemberBinding, md: CallMetadata): boolean {
  return md.get('hasleader')[0] === 'true' && !m.hasLeader();
}

export function tokenOf(md: CallMetadata): string | undefined {
  const v = md.get('token')[0];
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : v.toString();
}

const proposals = new ProposalGate();

/**
 * A unary handler: decode is done by `run`, which calls the service with cb;
 * enc shapes the answer. `proposes` tells the requests that go through raft,
 * which a member with too many of them pending refuses at once.
 */
export function unary<Res>(
  m: MemberBinding,
  run: (svc: EtcdService, req: Wire, cb: Callback<Res>, token: string | undefined) => void,
  enc: (r: Res) => Wire,
  proposes?: (req: Wire) => boolean,
): UnaryHandler {
  return (call, callback) => {
    if (call.request instanceof MalformedRequest) return callback(malformed(call.request));
    const token = tokenOf(call.metadata);
    const gated = proposes?.(call.request) === true;
    if (gated && !proposals.enter(m)) return callback(toStatus(TOO_MANY_REQUESTS));
    let done = false;
    const finish = (err: RequestError | undefined, resp?: Res): void => {
      if (done) return;
      done = true;
      if (gated) proposals.leave(m);
      if (err) return callback(toStatus(err));
      let out: Wire;
      try {
        out = enc(resp!);
      } catch (e) {
        return callback(toStatus({ message: e instanceof Error ? e.message : String(e), code: 'Unknown' }));
      }
      callback(null, out);
    };
    m.rt.enterSoon(() => {
      const svc = m.connect();
      if (!svc) return finish(STOPPED);
      if (leaderMissing(m, call.metadata)) return finish(NO_LEADER);
      try {
        run(withCallDeadline(m, call, svc), call.request, finish, token);
      } catch (e) {
        finish({ message: e instanceof Error ? e.message : String(e), code: 'Unknown' });
      }
    });
  };
}

/** How long after a call's deadline the member gives up on it. */
const DEADLINE_GRACE_MS = 100;

/**
 * The service as this call's client sees it: giving up at the call's gRPC
 * deadline (its grpc-timeout, e.g. etcdctl's --command-timeout) when it sent
 * one, as etcd's request context carries it.
 */
function withCallDeadline(m: MemberBinding, call: UnaryCall, svc: EtcdService): EtcdService {
  const ms = call.getDeadline();
  if (!Number.isFinite(ms) || !svc.withDeadline) return svc;
  // A little after the client's own deadline: etcd's answer at that moment
  // never reaches a client that has already given up ("context deadline
  // exceeded"), and ours must not race ahead of the client's timer either.
  return svc.withDeadline(m.rt.virtualAt(ms + DEADLINE_GRACE_MS));
}

/** grpc-go's answer to bytes it cannot unmarshal into the request. */
export function malformed(req: MalformedRequest, onStream = false): CallStatus {
  return { code: req.tooLarge ? Code.RESOURCE_EXHAUSTED : Code.INTERNAL, details: onStream ? req.streamDetails : req.details };
}

/**
 * Ends a stream whose client sent bytes etcd could not unmarshal, as
 * etcd's stream handlers end when Recv fails; true if req was one.
 */
export function failMalformed(call: StreamCall, req: unknown): boolean {
  if (!(req instanceof MalformedRequest)) return false;
  // Server-streaming handlers (Snapshot) read their request through the stream too.
  if (!call.destroyed && !call.writableEnded) call.emit('error', malformed(req, true));
  return true;
}

/** Ends a server stream with an error status (the call sends the status on 'error'). */
export function failStream(call: StreamCall, err: RequestError): void {
  if (call.destroyed || call.writableEnded) return;
  call.emit('error', toStatus(err));
}

/** Writes one message unless the stream has ended. */
export function send(call: StreamCall, msg: Wire): void {
  if (call.destroyed || call.writableEnded || call.cancelled) return;
  call.write(msg);
}
