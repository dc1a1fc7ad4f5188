// The client's view of the etcd API's .proto files: each method's path and
// its message (de)serializers, made with protobufjs directly and only for
// the methods a command calls (proto-loader would build every service's
// descriptors up front, most of an etcdctl start). Messages take and give
// the same shapes as the server's (grpc/load.ts): camelCase fields, enums
// as names, 64-bit integers as decimal strings, bytes as Buffers, defaults
// filled in and the set member of each oneof named.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { Wire } from '../grpc/codec-kv.ts';
import type { EtcdServiceName } from '../grpc/load.ts';

const PROTO_DIR = fileURLToPath(new URL('../proto/', import.meta.url));

const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: String, bytes: Buffer, defaults: true, oneofs: true };

export interface WireMethod {
  path: string;
  serialize(msg: Wire): Buffer;
  deserialize(buf: Buffer): Wire;
}

let root: protobuf.Root | undefined;
const methods = new Map<string, WireMethod>();

function protoRoot(): protobuf.Root {
  if (root) return root;
  const r = new protobuf.Root();
  r.resolvePath = (_origin, target) => join(PROTO_DIR, target);
  r.loadSync('rpc.proto', { keepCase: false });
  root = r;
  return r;
}

/** etcdserverpb.SERVICE/METHOD, with its codecs. */
export function wireMethod(service: EtcdServiceName, name: string): WireMethod {
  const key = `${service}/${name}`;
  const known = methods.get(key);
  if (known) return known;
  const svc = protoRoot().lookupService(`etcdserverpb.${service}`);
  const m = svc.methods[name];
  if (!m) throw new Error(`etcdserverpb.${service} has no method ${name}`);
  m.resolve();
  const req = m.resolvedRequestType!;
  const res = m.resolvedResponseType!;
  const method: WireMethod = {
    path: `/etcdserverpb.${service}/${name}`,
    serialize: (msg) => {
      const b = req.encode(req.fromObject(msg)).finish();
      return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    },
    deserialize: (buf) => res.toObject(res.decode(buf), TO_OBJECT),
  };
  methods.set(key, method);
  return method;
}
