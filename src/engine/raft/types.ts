// Raft's wire and storage types, shaped like etcd-io/raft's raftpb protobufs.
// Node IDs are 64-bit values kept as lower-case hex strings without padding,
// exactly as etcd prints them with %x; NONE ('0') means "no node".

export type NodeId = string;
export const NONE: NodeId = '0';

export type EntryType = 'EntryNormal' | 'EntryConfChange';

export interface Entry {
  term: number;
  index: number;
  type: EntryType;
  data: Uint8Array;
}

export type ConfChangeType =
  | 'ConfChangeAddNode'
  | 'ConfChangeRemoveNode'
  | 'ConfChangeUpdateNode'
  | 'ConfChangeAddLearnerNode';

export interface ConfChange {
  type: ConfChangeType;
  nodeId: NodeId;
  /** Opaque to raft; etcd puts the marshalled member (name, peer URLs) here. */
  context: Uint8Array;
}

export interface ConfState {
  voters: NodeId[];
  learners: NodeId[];
}

export interface SnapshotMetadata {
  confState: ConfState;
  index: number;
  term: number;
}

export interface Snapshot {
  data: Uint8Array;
  metadata: SnapshotMetadata;
}

export interface HardState {
  term: number;
  vote: NodeId;
  commit: number;
}

export type MessageType =
  | 'MsgHup'
  | 'MsgBeat'
  | 'MsgProp'
  | 'MsgApp'
  | 'MsgAppResp'
  | 'MsgVote'
  | 'MsgVoteResp'
  | 'MsgSnap'
  | 'MsgHeartbeat'
  | 'MsgHeartbeatResp'
  | 'MsgUnreachable'
  | 'MsgSnapStatus'
  | 'MsgCheckQuorum'
  | 'MsgTransferLeader'
  | 'MsgTimeoutNow'
  | 'MsgReadIndex'
  | 'MsgReadIndexResp'
  | 'MsgPreVote'
  | 'MsgPreVoteResp';

export interface Message {
  type: MessageType;
  to: NodeId;
  from: NodeId;
  term: number;
  logTerm: number;
  index: number;
  entries: Entry[];
  commit: number;
  snapshot?: Snapshot;
  reject: boolean;
  rejectHint: number;
  /** ReadIndex request context, or the campaign type for a forced election. */
  context?: Uint8Array;
}

export type StateType = 'StateFollower' | 'StateCandidate' | 'StateLeader' | 'StatePreCandidate';

export interface SoftState {
  lead: NodeId;
  raftState: StateType;
}

export interface ReadState {
  index: number;
  requestCtx: Uint8Array;
}

/**
 * What the host must do next. Persist `snapshot`, `hardState` and `entries`
 * first; only then send `messages`, apply `committedEntries` and call
 * `advance()`. Sending before persisting would let a node vote twice or ack
 * entries it could lose in a crash.
 */
export interface Ready {
  softState?: SoftState;
  hardState?: HardState;
  readStates: ReadState[];
  entries: Entry[];
  snapshot?: Snapshot;
  committedEntries: Entry[];
  messages: Message[];
  mustSync: boolean;
}

export function emptyHardState(): HardState {
  return { term: 0, vote: NONE, commit: 0 };
}

export function isEmptyHardState(hs: HardState): boolean {
  return hs.term === 0 && hs.vote === NONE && hs.commit === 0;
}

export function isEmptySnapshot(s: Snapshot | undefined): boolean {
  return s === undefined || s.metadata.index === 0;
}

export function emptySnapshot(): Snapshot {
  return { data: new Uint8Array(0), metadata: { confState: { voters: [], learners: [] }, index: 0, term: 0 } };
}

/** Fills in the fields a message type leaves at zero, like a protobuf default. */
export function msg(m: Partial<Message> & Pick<Message, 'type'>): Message {
  return {
    to: NONE,
    from: NONE,
    term: 0,
    logTerm: 0,
    index: 0,
    entries: [],
    commit: 0,
    reject: false,
    rejectHint: 0,
    ...m,
  };
}

export function isLocalMsg(t: MessageType): boolean {
  return (
    t === 'MsgHup' ||
    t === 'MsgBeat' ||
    t === 'MsgUnreachable' ||
    t === 'MsgSnapStatus' ||
    t === 'MsgCheckQuorum'
  );
}

export function isResponseMsg(t: MessageType): boolean {
  return (
    t === 'MsgAppResp' ||
    t === 'MsgVoteResp' ||
    t === 'MsgHeartbeatResp' ||
    t === 'MsgUnreachable' ||
    t === 'MsgPreVoteResp'
  );
}

export function voteRespMsgType(t: MessageType): MessageType {
  if (t === 'MsgVote') return 'MsgVoteResp';
  if (t === 'MsgPreVote') return 'MsgPreVoteResp';
  throw new Error(`not a vote message: ${t}`);
}

/** Errors raft returns to callers, in etcd-io/raft's words. */
export class RaftError extends Error {}
export const ErrProposalDropped = 'raft proposal dropped';
export const ErrCompacted = 'requested index is unavailable due to compaction';
export const ErrSnapOutOfDate = 'requested index is older than the existing snapshot';
export const ErrUnavailable = 'requested entry at index is unavailable';
export const ErrSnapshotTemporarilyUnavailable = 'snapshot is temporarily unavailable';
export const ErrStepLocalMsg = 'raft: cannot step raft local message';
export const ErrStepPeerNotFound = 'raft: cannot step as peer not found';
