// The machine a Node etcdctl process runs on: real endpoints over gRPC, the
// real clocks and the real file system.
import { Machine } from '../../terminal/core/machine.ts';
import { RemoteNet } from './net.ts';
import { NodeFS } from './node-fs.ts';
import type { ClientTLS } from './tls.ts';

export class RemoteMachine extends Machine {
  readonly fs = new NodeFS();
  readonly net: RemoteNet;

  constructor(tls?: ClientTLS) {
    super();
    this.net = new RemoteNet(tls);
  }

  unixMillis(): number {
    return Date.now();
  }
}
