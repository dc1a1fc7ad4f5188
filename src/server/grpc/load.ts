// Loads the etcd API's .proto files (src/server/proto, written from the
// wire format) into gRPC service definitions. The options fix the shape of
// every decoded message, which the codecs rely on: camelCase field names,
// enums as names, 64-bit integers as decimal strings (exact for IDs past
// 2^53), bytes as Buffers, unset scalars as their defaults, and the name of
// the set member of each oneof. Each request is first checked the way
// etcd's Go code would decode it (wire-check.ts): one it would refuse
// decodes to a MalformedRequest.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { type PackageDefinition, loadSync } from '@grpc/proto-loader';
import { loadPackageDefinition, type MethodDefinition, type ServiceDefinition } from '@grpc/grpc-js';
import { type MessageDesc, MalformedRequest, checkWire } from './wire-check.ts';

const PROTO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'proto');

export type EtcdServiceName = 'KV' | 'Watch' | 'Lease' | 'Cluster' | 'Maintenance' | 'Auth';

let cached: Record<EtcdServiceName, ServiceDefinition> | undefined;

/** The message descriptor a field's typeName names (relative names resolve in etcdserverpb first). */
function descLookup(def: PackageDefinition): (typeName: string) => MessageDesc | undefined {
  const found = new Map<string, MessageDesc | undefined>();
  const descOf = (key: string): MessageDesc | undefined => (def[key] as { type?: MessageDesc } | undefined)?.type;
  return (typeName) => {
    if (found.has(typeName)) return found.get(typeName);
    const name = typeName.replace(/^\./, '');
    const key = [name, `etcdserverpb.${name}`].find((k) => descOf(k)) ?? Object.keys(def).find((k) => k.endsWith(`.${name}`) && descOf(k));
    const d = key ? descOf(key) : undefined;
    found.set(typeName, d);
    return d;
  };
}

/** The method with its request bytes checked (their wire format) before they are decoded. */
function checked(m: MethodDefinition<object, object>, lookup: (t: string) => MessageDesc | undefined): MethodDefinition<object, object> {
  const desc = (m as unknown as { requestType?: { type?: MessageDesc } }).requestType?.type;
  if (!desc) return m;
  const decode = m.requestDeserialize;
  return {
    ...m,
    requestDeserialize: (bytes: Buffer) => {
      const reason = checkWire(desc, bytes, lookup);
      return reason === undefined ? decode(bytes) : new MalformedRequest(reason);
    },
  };
}

/**
 * The six etcdserverpb services' definitions, loaded once (the gRPC server
 * refuses a request past its size limit before it is decoded: grpc/server.ts).
 */
export function etcdServices(): Record<EtcdServiceName, ServiceDefinition> {
  if (cached) return cached;
  const def = loadSync('rpc.proto', {
    includeDirs: [PROTO_DIR],
    keepCase: false,
    longs: String,
    enums: String,
    bytes: Buffer,
    defaults: true,
    oneofs: true,
  });
  const lookup = descLookup(def);
  const pkg = loadPackageDefinition(def).etcdserverpb as Record<string, { service: ServiceDefinition }>;
  const names: EtcdServiceName[] = ['KV', 'Watch', 'Lease', 'Cluster', 'Maintenance', 'Auth'];
  const defs = Object.fromEntries(
    names.map((n) => {
      const svc = pkg[n]!.service as Record<string, MethodDefinition<object, object>>;
      return [n, Object.fromEntries(Object.entries(svc).map(([k, m]) => [k, checked(m, lookup)]))];
    }),
  ) as Record<EtcdServiceName, ServiceDefinition>;
  cached = defs;
  return defs;
}
