// The members of one simulated cluster apply the very same entry objects (the
// network hands messages over without copying them), so the request in an
// entry's bytes is decoded once and shared: the members after the first find
// it here. Requests are never changed once decoded, and a put's value stays a
// view into the entry, so the members' stores share one copy of it as well.
//
// A ring by raft index: a slot answers only for the identical bytes, so a
// different entry at that index (another term's, another cluster's) is
// decoded anew. It holds at most `size` requests, and lets one go as soon as
// every member has applied it: kept longer, the decoded objects would outlive
// the young generation for nothing.
import { decodeInternalRaftRequest } from './codec.ts';
import type { InternalRaftRequest } from './internal.ts';

export class DecodedEntries {
  private readonly data: (Uint8Array | undefined)[];
  private readonly reqs: (InternalRaftRequest | undefined)[];
  /** How many members have taken each slot's request. */
  private readonly uses: number[];

  /**
   * @param size the ring's slots
   * @param appliers how many members apply each entry (a member that is down
   *   takes its request later, or decodes it anew)
   */
  constructor(
    private readonly size = 4096,
    private readonly appliers: () => number = () => Infinity,
  ) {
    this.data = new Array<Uint8Array | undefined>(size).fill(undefined);
    this.reqs = new Array<InternalRaftRequest | undefined>(size).fill(undefined);
    this.uses = new Array<number>(size).fill(0);
  }

  /** The request in the entry at index with these bytes. Throws CodecError as decoding does. */
  request(index: number, data: Uint8Array): InternalRaftRequest {
    const i = index % this.size;
    if (this.data[i] === data) {
      const r = this.reqs[i]!;
      if (++this.uses[i]! >= this.appliers()) this.release(i);
      return r;
    }
    const r = decodeInternalRaftRequest(data);
    if (this.appliers() > 1) {
      this.data[i] = data;
      this.reqs[i] = r;
      this.uses[i] = 1;
    }
    return r;
  }

  private release(i: number): void {
    this.data[i] = undefined;
    this.reqs[i] = undefined;
  }
}
