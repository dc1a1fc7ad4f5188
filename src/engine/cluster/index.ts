// Public surface of the simulated cluster.
export { Cluster, type ClusterOptions, restoreOptions } from './cluster.ts';
export { CLUSTER_IMAGE_VERSION, ClusterImageError, type ClusterImage, type ClusterSettings, type ClusterState, type NodeRecord, checkClusterImage, checkClusterState } from './image.ts';
export { RealtimeDriver, VirtualClock, type RealtimeDriverOptions } from './clock.ts';
export { EventLoop } from './eventloop.ts';
export * from './errors.ts';
export { type Member, clusterId, memberId, defaultPeerURLs, defaultClientURLs, encodeMemberContext, decodeMemberContext } from './member.ts';
export { type AddMemberOptions, type Result } from './membership.ts';
export { Network, DEFAULT_LINK, type DropReason, type LinkConditions, type NetworkOptions } from './network.ts';
export { SimNode, type NodeLife, type ReadCallback } from './node.ts';
export { type ClusterSnapshot, type NodeSnapshot } from './snapshot.ts';
export { CountingStateMachine, countingStateMachine, type StateMachine, type StateMachineContext, type StateMachineFactory } from './statemachine.ts';
export { Trace, type LogLevel, type MessageRecord, type Role, type TraceListener, type TraceRecord } from './trace.ts';
export { PAUSED_INBOX_LIMIT } from './transport.ts';
