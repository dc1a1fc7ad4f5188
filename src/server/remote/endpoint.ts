// One endpoint a remote client dials: a gRPC channel to it, and the calls
// the six etcd services make over it. The channel starts connecting when
// the endpoint is first named and is usable only once it is READY; until
// then (or while it is refused) the client treats the member as down and
// waits or fails over, as clientv3's balancer only picks ready connections.
import {
  Client,
  type ClientDuplexStream,
  type ClientReadableStream,
  connectivityState,
  Metadata,
  type ServiceError,
} from '@grpc/grpc-js';
import type { Wire } from '../grpc/codec-kv.ts';
import type { EtcdServiceName } from '../grpc/load.ts';
import { type ClientTLS, channelCredentials } from './tls.ts';
import { wireMethod } from './wire.ts';

/** clientv3's defaults: no receive limit to speak of, 2 MiB sends (etcdctl never raises them). */
const CHANNEL_OPTIONS = {
  'grpc.max_receive_message_length': 2 ** 31 - 1,
  'grpc.max_send_message_length': 2 * 1024 * 1024,
  // A restarted member is found again quickly (grpc's 1 s to 120 s backoff is for the internet).
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1000,
};

/** The host:port grpc dials for an etcd endpoint (clientv3 takes both "http://h:p" and "h:p"). */
export function dialTarget(endpoint: string): { target: string; secure: boolean } {
  const m = /^(https?|unixs?):\/\/(.*)$/.exec(endpoint);
  if (!m) return { target: endpoint, secure: false };
  const [, scheme, rest] = m;
  if (scheme!.startsWith('unix')) return { target: `unix:${rest}`, secure: scheme === 'unixs' };
  return { target: rest!.replace(/\/+$/, ''), secure: scheme === 'https' };
}

/** A call's options: its deadline (epoch ms) and the token metadata. */
export interface CallSetup {
  deadline?: number;
  token?: string;
  /** clientv3.WithRequireLeader: the member refuses the stream when it knows no leader. */
  requireLeader?: boolean;
}

function metadataOf(s: CallSetup): Metadata {
  const md = new Metadata();
  if (s.token !== undefined) md.set('token', s.token);
  if (s.requireLeader) md.set('hasleader', 'true');
  return md;
}

export class RemoteEndpoint {
  private readonly client: Client;
  private closed = false;

  constructor(
    readonly endpoint: string,
    tls?: ClientTLS,
  ) {
    const { target, secure } = dialTarget(endpoint);
    this.client = new Client(target, channelCredentials(tls, secure), CHANNEL_OPTIONS);
    this.client.getChannel().getConnectivityState(true);
  }

  /** Whether calls can go out now; starts (re)connecting when idle. */
  ready(): boolean {
    if (this.closed) return false;
    return this.client.getChannel().getConnectivityState(true) === connectivityState.READY;
  }

  unary(service: EtcdServiceName, name: string, req: Wire, s: CallSetup, cb: (err: ServiceError | null, resp?: Wire) => void): void {
    const m = wireMethod(service, name);
    const opts = s.deadline !== undefined ? { deadline: s.deadline } : {};
    this.client.makeUnaryRequest(m.path, m.serialize, m.deserialize, req, metadataOf(s), opts, (err, resp) => cb(err, resp));
  }

  serverStream(service: EtcdServiceName, name: string, req: Wire, s: CallSetup): ClientReadableStream<Wire> {
    const m = wireMethod(service, name);
    const opts = s.deadline !== undefined ? { deadline: s.deadline } : {};
    return this.client.makeServerStreamRequest(m.path, m.serialize, m.deserialize, req, metadataOf(s), opts);
  }

  bidiStream(service: EtcdServiceName, name: string, s: CallSetup): ClientDuplexStream<Wire, Wire> {
    const m = wireMethod(service, name);
    const opts = s.deadline !== undefined ? { deadline: s.deadline } : {};
    return this.client.makeBidiStreamRequest(m.path, m.serialize, m.deserialize, metadataOf(s), opts);
  }

  close(): void {
    this.closed = true;
    this.client.close();
  }
}
