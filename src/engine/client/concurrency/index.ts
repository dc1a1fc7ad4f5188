// clientv3/concurrency (etcd 3.4) on the simulated Client: sessions, mutexes and elections.
export { DEFAULT_SESSION_TTL, Session, type SessionOptions } from './session.ts';
export { Mutex } from './mutex.ts';
export { Election, ErrElectionNoLeader, ErrElectionNotLeader, type LeaderResponse, type Observer } from './election.ts';
export { sessionKey } from './wait.ts';
