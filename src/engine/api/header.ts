// etcdserverpb.ResponseHeader, shared by every service's responses (KV, lease,
// auth, ...). It lives outside src/engine/server so that engine modules may
// import it (the lint forbids paths through server/ from outside it).

/**
 * Filled in by the server (ids, term); each store sets only what it knows
 * (the KV store the revision). clusterId and memberId are uint64 ids as
 * unpadded lower-case hex, the form raft's NodeId uses ('0' when unset).
 */
export interface ResponseHeader {
  clusterId: string;
  memberId: string;
  revision: number;
  raftTerm: number;
}
