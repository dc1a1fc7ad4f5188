// The Cluster service's messages (etcdserverpb Member*, etcd 3.4), shared by
// the server that answers them and the clients that call it.
import type { NodeId } from '../raft/types.ts';
import type { ResponseHeader } from './header.ts';

/** etcdserverpb.Member: name and client URLs are empty until the member has started. */
export interface MemberInfo {
  ID: NodeId;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner: boolean;
}

export interface MemberListResponse {
  header: ResponseHeader;
  members: MemberInfo[];
}

export interface MemberAddRequest {
  peerURLs: string[];
  isLearner?: boolean;
  /** The playground's name for the member it starts (etcd's new member brings its own --name). */
  name?: string;
}

export interface MemberAddResponse extends MemberListResponse {
  member: MemberInfo;
}

export interface MemberRemoveRequest {
  ID: NodeId;
}

export interface MemberUpdateRequest {
  ID: NodeId;
  peerURLs: string[];
}

export interface MemberPromoteRequest {
  ID: NodeId;
}

export type MemberRemoveResponse = MemberListResponse;
export type MemberUpdateResponse = MemberListResponse;
export type MemberPromoteResponse = MemberListResponse;
