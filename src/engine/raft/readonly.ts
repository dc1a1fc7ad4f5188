// ReadIndex bookkeeping on the leader (ReadOnlySafe): a read waits until a
// quorum answers a heartbeat sent after the read arrived.
import type { Message, NodeId } from './types.ts';

export interface ReadIndexStatus {
  req: Message;
  index: number;
  acks: Set<NodeId>;
}

const keyOf = (ctx: Uint8Array | undefined): string => {
  if (!ctx) return '';
  let s = '';
  for (const b of ctx) s += String.fromCharCode(b);
  return s;
};

export class ReadOnly {
  pendingReadIndex = new Map<string, ReadIndexStatus>();
  readIndexQueue: string[] = [];

  addRequest(index: number, m: Message): void {
    const ctx = keyOf(m.entries[0]?.data);
    if (this.pendingReadIndex.has(ctx)) return;
    this.pendingReadIndex.set(ctx, { index, req: m, acks: new Set() });
    this.readIndexQueue.push(ctx);
  }

  /** Records a heartbeat ack carrying ctx; returns who has acked it. */
  recvAck(id: NodeId, context: Uint8Array | undefined): Set<NodeId> | undefined {
    const rs = this.pendingReadIndex.get(keyOf(context));
    if (!rs) return undefined;
    rs.acks.add(id);
    return rs.acks;
  }

  /** Dequeues every read up to and including the one with ctx (they are all confirmed). */
  advance(context: Uint8Array | undefined): ReadIndexStatus[] {
    const ctx = keyOf(context);
    const i = this.readIndexQueue.indexOf(ctx);
    if (i < 0) return [];
    const done = this.readIndexQueue.splice(0, i + 1);
    const rss: ReadIndexStatus[] = [];
    for (const k of done) {
      const rs = this.pendingReadIndex.get(k);
      if (!rs) throw new Error('cannot find corresponding read state from pending map');
      rss.push(rs);
      this.pendingReadIndex.delete(k);
    }
    return rss;
  }

  lastPendingRequestCtx(): Uint8Array | undefined {
    const last = this.readIndexQueue[this.readIndexQueue.length - 1];
    if (last === undefined) return undefined;
    return this.pendingReadIndex.get(last)!.req.entries[0]?.data;
  }
}
