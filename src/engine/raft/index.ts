// Public surface of the raft package.
export * from './types.ts';
export type { Config } from './config.ts';
export { type Storage, MemoryStorage } from './storage.ts';
export { RawNode, type Status, type ProgressStatus } from './rawnode.ts';
export { encodeConfChange, decodeConfChange } from './confchange.ts';
