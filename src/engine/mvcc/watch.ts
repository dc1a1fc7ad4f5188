// The watch half of the MVCC package: the watchable store over a KVStore and
// the per-client WatchStream (etcd's mvcc watchable store plus v3rpc's watch server).
export { WatchableStore, type ProgressTicker } from './watchable-store.ts';
export { WatchStream } from './watch-stream.ts';
export { Watcher, type WatchSink } from './watcher.ts';
export { WatcherGroup, EventBatch, newWatcherBatch, type WatcherBatch } from './watcher-group.ts';
export { fragments, watchResponseSize, eventSize, keyValueSize } from './watch-fragment.ts';
export * from './watch-types.ts';
