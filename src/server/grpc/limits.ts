// What bounds one member's load from its clients, so a flood is refused in
// etcd's words instead of growing the process without end.
import type { RequestError } from '../../engine/api/service.ts';

/**
 * etcd's maxGapBetweenApplyAndCommitIndex: a member refuses new proposals
 * while this many are ahead of its state machine. Here the engine applies
 * as soon as it commits, so the backlog that can build up is the proposals
 * still unanswered, and that is what is counted.
 */
export const MAX_PENDING_PROPOSALS = 5000;

/** rpctypes.ErrGRPCRequestTooManyRequests. */
export const TOO_MANY_REQUESTS: RequestError = { message: 'etcdserver: too many requests', code: 'ResourceExhausted' };

/**
 * HTTP/2 streams one client connection may have open at once. etcd 3.4
 * leaves it unlimited (--max-concurrent-streams math.MaxUint32); a client
 * that opens more waits for a free stream on its side (grpc-go and grpc-js
 * both queue), so a cap only bounds what a single connection can pile onto
 * this process. 1000 is far above what clientv3 pipelines in practice
 * (etcdctl uses a handful, a busy application tens to hundreds).
 */
export const MAX_CONCURRENT_STREAMS = 1000;

/** Unanswered proposals per member (keyed by the member's binding object). */
export class ProposalGate {
  private readonly pending = new WeakMap<object, number>();

  /** Takes a slot for one proposal, or false when the member has too many pending. */
  enter(member: object): boolean {
    const n = this.pending.get(member) ?? 0;
    if (n >= MAX_PENDING_PROPOSALS) return false;
    this.pending.set(member, n + 1);
    return true;
  }

  leave(member: object): void {
    this.pending.set(member, Math.max(0, (this.pending.get(member) ?? 0) - 1));
  }

  count(member: object): number {
    return this.pending.get(member) ?? 0;
  }
}
