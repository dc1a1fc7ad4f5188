// The Maintenance service's messages (etcdserverpb Status, Hash, HashKV,
// Defragment, Alarm, Snapshot, MoveLeader; etcd 3.4), shared by the server
// that answers them and the clients that call it.
import type { NodeId } from '../raft/types.ts';
import type { ResponseHeader } from './header.ts';

export interface StatusResponse {
  header: ResponseHeader;
  version: string;
  /** Size of the member's db file; only defragment shrinks it. */
  dbSize: number;
  /** Bytes of the db file in use; compaction lowers it. */
  dbSizeInUse: number;
  /** The leader this member's raft knows ('0' for none). */
  leader: NodeId;
  /** The member's raft committed index. */
  raftIndex: number;
  raftTerm: number;
  raftAppliedIndex: number;
  /** "etcdserver: no leader" without a leader, then each alarm as text. */
  errors: string[];
  isLearner: boolean;
}

export interface HashResponse {
  header: ResponseHeader;
  hash: number;
}

export interface HashKVRequest {
  /** 0: the whole history up to the current revision. */
  revision?: number;
}

export interface HashKVResponse {
  header: ResponseHeader;
  hash: number;
  compactRevision: number;
}

export interface DefragmentResponse {
  header: ResponseHeader;
}

export interface MoveLeaderRequest {
  targetID: NodeId;
}

export type MoveLeaderResponse = DefragmentResponse;

export interface SnapshotResponse {
  header: ResponseHeader;
  /** The member's store followed by its sha256 (what `etcdctl snapshot save` writes). */
  blob: Uint8Array;
}

/** etcdserverpb.AlarmType. */
export type AlarmType = 'NONE' | 'NOSPACE' | 'CORRUPT';
/** etcdserverpb.AlarmRequest.AlarmAction. */
export type AlarmAction = 'GET' | 'ACTIVATE' | 'DEACTIVATE';

export interface AlarmRequest {
  action: AlarmAction;
  /** The member raising or clearing the alarm ('0' with GET means all members). */
  memberID: string;
  /** NONE with GET lists every alarm. */
  alarm: AlarmType;
}

export interface AlarmMember {
  memberID: string;
  alarm: AlarmType;
}

export interface AlarmResponse {
  header: ResponseHeader;
  alarms: AlarmMember[];
}
