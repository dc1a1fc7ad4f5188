// The machine a Node etcdctl process runs on: real endpoints over gRPC, the
// real clocks and the real file system.
import { Machine } from '../../terminal/core/machine.ts';
import { RemoteNet } from './net.ts';
import { NodeFS } from './node-fs.ts';

export class RemoteMachine extends Machine {
  readonly fs = new NodeFS();
  readonly net = new RemoteNet();

  unixMillis(): number {
    return Date.now();
  }
}
