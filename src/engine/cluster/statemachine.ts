// The replicated state machine a simulated node applies committed entries to.
// The cluster host only needs apply/snapshot/restore, so etcd's server (its
// MVCC store) can plug in through StateMachineFactory later.
import type { ConfChange, ConfState, Entry, NodeId } from '../raft/types.ts';
import { FNV_OFFSET, fnv1a } from '../util/bytes.ts';
import type { NodeDisk } from '../storage/disk.ts';
import type { LogLevel } from './trace.ts';

export interface StateMachine {
  /** Applies a committed EntryNormal, in log order (empty ones are a new leader's no-op entries). */
  apply(e: Entry): void;
  /** The applied state as bytes: becomes the raft snapshot's data. */
  snapshot(): Uint8Array;
  /**
   * Optional: snapshot()'s bytes as of this moment, produced only when first
   * read (a raft snapshot that is never sent nor restarted from then costs no
   * encoding). Later applies must not change what it returns.
   */
  freeze?(): () => Uint8Array;
  /** Replaces the state with a snapshot's data (on restart, or when a leader sends MsgSnap). */
  restore(d: Uint8Array): void;
  /** Optional: told about each applied conf change (etcd keeps membership beside its kv store). */
  applyConfChange?(e: Entry, cc: ConfChange, cs: ConfState): void;
}

export interface StateMachineContext {
  nodeId: NodeId;
  name: string;
  /** The node's disk, for state that must survive crashes outside raft snapshots. */
  disk: NodeDisk;
  log: (level: LogLevel, pkg: string, text: string) => void;
  /** The cluster's virtual clock (ms); leases and tokens expire by it. */
  now: () => number;
  clusterId: NodeId;
}

export type StateMachineFactory = (ctx: StateMachineContext) => StateMachine;

/**
 * The placeholder state machine: remembers how many proposals it applied, the
 * last index, and a rolling FNV-1a hash of all applied data, so tests can
 * check that every node applied the same thing in the same order.
 */
export class CountingStateMachine implements StateMachine {
  count = 0;
  lastIndex = 0;
  hash = FNV_OFFSET;

  apply(e: Entry): void {
    this.lastIndex = e.index;
    if (e.data.length === 0) return;
    this.count++;
    this.hash = fnv1a(this.hash, e.data);
  }

  snapshot(): Uint8Array {
    const b = new Uint8Array(20);
    const v = new DataView(b.buffer);
    v.setFloat64(0, this.count);
    v.setFloat64(8, this.lastIndex);
    v.setUint32(16, this.hash);
    return b;
  }

  restore(d: Uint8Array): void {
    if (d.length === 0) {
      this.count = 0;
      this.lastIndex = 0;
      this.hash = FNV_OFFSET;
      return;
    }
    const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
    this.count = v.getFloat64(0);
    this.lastIndex = v.getFloat64(8);
    this.hash = v.getUint32(16);
  }
}

export const countingStateMachine: StateMachineFactory = () => new CountingStateMachine();
