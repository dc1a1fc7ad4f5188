// A MemoryStorage that tells an observer about every write the host makes
// to it, right after the write. The engine stays pure: it only calls the
// observer; a file adapter (src/server/persist) turns the calls into
// write-ahead-log records, so the log on disk follows the in-memory one
// write for write, in the order the host persisted each Ready.
import { MemoryStorage } from '../raft/storage.ts';
import type { ConfState, Entry, HardState, Snapshot } from '../raft/types.ts';

/** What a persistence adapter hears of a disk's writes. */
export interface DiskObserver {
  /** A new hard state (term, vote, commit). */
  hardState(hs: HardState): void;
  /** Entries appended; a first index at or below the last one replaces the log from there on. */
  entries(ents: Entry[]): void;
  /** A snapshot installed from a leader (applied) or cut locally (created). */
  snapshot(snap: Snapshot, how: 'applied' | 'created'): void;
  /** Entries up to index were dropped from memory (after a snapshot). */
  compacted(index: number): void;
  /** A put (value) or delete (undefined) in the state machine's key/value area. */
  kv(key: string, value: Uint8Array | undefined): void;
  /**
   * Optional: the host has persisted one Ready and is about to send its
   * messages. An adapter may gather the Ready's writes and hand them to the
   * file here, at once, rather than one by one.
   */
  flush?(): void;
}

export class JournaledStorage extends MemoryStorage {
  observer: DiskObserver | undefined;

  override setHardState(hs: HardState): void {
    super.setHardState(hs);
    this.observer?.hardState(this.hardState);
  }

  override append(entries: Entry[]): void {
    super.append(entries);
    if (entries.length > 0) this.observer?.entries(entries);
  }

  override applySnapshot(snap: Snapshot): void {
    super.applySnapshot(snap);
    this.observer?.snapshot(snap, 'applied');
  }

  override createSnapshot(i: number, cs: ConfState | undefined, data: Uint8Array | (() => Uint8Array)): Snapshot {
    const snap = super.createSnapshot(i, cs, data);
    this.observer?.snapshot(snap, 'created');
    return snap;
  }

  override compact(compactIndex: number): void {
    super.compact(compactIndex);
    this.observer?.compacted(compactIndex);
  }
}
