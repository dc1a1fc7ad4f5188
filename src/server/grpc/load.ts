// Loads the etcd API's .proto files (src/server/proto, written from the
// wire format) into gRPC service definitions. The options fix the shape of
// every decoded message, which the codecs rely on: camelCase field names,
// enums as names, 64-bit integers as decimal strings (exact for IDs past
// 2^53), bytes as Buffers, unset scalars as their defaults, and the name of
// the set member of each oneof.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { loadSync } from '@grpc/proto-loader';
import { loadPackageDefinition, type ServiceDefinition } from '@grpc/grpc-js';

const PROTO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'proto');

export type EtcdServiceName = 'KV' | 'Watch' | 'Lease' | 'Cluster' | 'Maintenance' | 'Auth';

let cached: Record<EtcdServiceName, ServiceDefinition> | undefined;

/** The six etcdserverpb services' definitions (loaded once). */
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
  const pkg = loadPackageDefinition(def).etcdserverpb as Record<string, { service: ServiceDefinition }>;
  const names: EtcdServiceName[] = ['KV', 'Watch', 'Lease', 'Cluster', 'Maintenance', 'Auth'];
  cached = Object.fromEntries(names.map((n) => [n, pkg[n]!.service])) as Record<EtcdServiceName, ServiceDefinition>;
  return cached;
}
