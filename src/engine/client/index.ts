// clientv3 for the simulated cluster: a Client over a list of endpoints with
// failover, per-call deadlines, credentials, and watches that resume on another member.
export { Client, type UserAddCallOptions } from './client.ts';
export {
  ClientCore,
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_DIAL_TIMEOUT_MS,
  ErrClientConnClosing,
  RETRY_BACKOFF_MS,
  type CallOptions,
  type ClientOptions,
  type Invoke,
  type MemberAddOptions,
} from './core.ts';
export { ClientCredentials } from './auth.ts';
export { ClientWatch, WATCH_RETRY_MS, type ClientWatchCallback, type WatchOptions } from './watch.ts';
export { prefixEnd } from './prefix.ts';
export * from './concurrency/index.ts';
