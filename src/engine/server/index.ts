// The etcd server's apply layer: raft entries carry InternalRaftRequests
// (internal.ts, encoded by codec.ts); each member's EtcdStateMachine applies
// them to its stores through ApplierV3 and keeps the results by request ID.
export * from './internal.ts';
export { CodecError, decodeInternalRaftRequest, encodeInternalRaftRequest, peekRequestKind } from './codec.ts';
export { AlarmStore } from './alarms.ts';
export { ApplierV3, LEASE_OVERHEAD, type ApplierChain, type ApplierDeps, type ApplyResponse, type ApplyResult } from './apply.ts';
export { needAdminPermission, type AuthResponse } from './apply-auth.ts';
export { ErrCorrupt, ErrNoSpace, applyError, toApplyError, type ApplyError, type GrpcCode } from './errors.ts';
export { decodeMemberSnapshot, encodeMemberSnapshot, snapshotConsistentIndex, type MemberImage } from './snapshot.ts';
export {
  BACKEND_KEY,
  DEFAULT_RESULT_CAPACITY,
  EtcdStateMachine,
  etcdStateMachineFactory,
  type EtcdStateMachineOptions,
  type MemberContext,
} from './statemachine.ts';
export { EtcdCluster, ServedStateMachine, type EtcdClusterOptions } from './etcd-cluster.ts';
export { DEFAULT_MAX_REQUEST_BYTES, EtcdServer, isTxnReadonly, isTxnSerializable, type RequestAuth, type ServerHost } from './server.ts';
export { leaseKeepAlive, leaseTimeToLive, revokeExpiredLeases, startLessorLoop } from './lease-loop.ts';
export { ReadLoop } from './read.ts';
export { ServerWatchStream, WatchHub, type WatchCallback } from './watch.ts';
export { Wait } from './wait.ts';
export * from './request-errors.ts';
export * from './cluster-api.ts';
export * from './maintenance.ts';
export { decodeMembers, readSnapshot, restoreCluster, snapshotBlob, type RestoreOptions } from './snapshot-file.ts';
export { adminError, authRequest, authenticate, type AuthRequestKind } from './auth-api.ts';
export { rawAuthError, resolveToken, tokenAuthNow, type TokenCallback } from './token.ts';
export { MemberConnection } from './connection.ts';
export type { WatchIdentity } from './watch.ts';
export { ErrInvalidDatabase, snapshotStatus, type SnapshotStatus } from './snapshot-status.ts';
