// The members of one simulated cluster apply the very same entry objects (the
// network hands messages over without copying them), so the request in an
// entry's bytes is decoded once and shared: the members after the first find
// it here. Requests are never changed once decoded, and a put's value stays a
// view into the entry, so the members' stores share one copy of it as well.
//
// A ring by raft index: a slot answers only for the identical bytes, so a
// different entry at that index (another term's, another cluster's) is
// decoded anew. It holds at most `size` requests.
import { decodeInternalRaftRequest } from './codec.ts';
import type { InternalRaftRequest } from './internal.ts';

export class DecodedEntries {
  private readonly data: (Uint8Array | undefined)[];
  private readonly reqs: (InternalRaftRequest | undefined)[];

  constructor(private readonly size = 4096) {
    this.data = new Array<Uint8Array | undefined>(size).fill(undefined);
    this.reqs = new Array<InternalRaftRequest | undefined>(size).fill(undefined);
  }

  /** The request in the entry at index with these bytes. Throws CodecError as decoding does. */
  request(index: number, data: Uint8Array): InternalRaftRequest {
    const i = index % this.size;
    if (this.data[i] === data) return this.reqs[i]!;
    const r = decodeInternalRaftRequest(data);
    this.data[i] = data;
    this.reqs[i] = r;
    return r;
  }
}
