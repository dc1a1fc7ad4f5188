// Public surface of the lessor (etcd's server/lease).
export * from './types.ts';
export * from './errors.ts';
export * from './config.ts';
export {
  compareLeaseIds,
  formatLeaseIdDecimal,
  formatLeaseIdHex,
  isLeaseId,
  leaseIdFromInt64,
  leaseIdToInt64,
  parseLeaseIdDecimal,
  parseLeaseIdHex,
} from './id.ts';
export { IdGenerator } from './idgen.ts';
export { Lessor, type LessorConfig } from './lessor.ts';
export { decodeLeases, encodeLeases } from './snapshot.ts';
