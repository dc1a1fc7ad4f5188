// The etcd fuzz (npm run fuzz): random clusters, faults, clients and watches,
// checked for raft safety, linearizability, serializable reads, the watch
// guarantees and liveness. Pure and deterministic: a seed names a run.
export { DEFAULT_OPS, replayCommand, runFuzz, summarize } from './run.ts';
export { BUG_KINDS, FAULT_KINDS, parseBugs, parseFaults } from './types.ts';
export type { BugKind, CheckName, FaultKind, FuzzFailure, FuzzOptions, FuzzResult, FuzzStats } from './types.ts';
export { fuzzModel } from './model.ts';
export { FuzzTotals } from './totals.ts';
export { shrink, type Shrunk } from './shrink.ts';
export type { FuzzInput, FuzzOutput, FuzzState } from './model.ts';
