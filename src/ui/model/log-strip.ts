// The log-replication strips as pure data: a shared index window across all
// members (so index i lines up in every row) and, per member, one cell per
// index saying what that member knows of it.
import type { EntryKind, RaftLogView } from './raft-view.ts';

export type CellState =
  /** Beyond the member's last index. */
  | 'empty'
  /** Compacted into the member's snapshot. */
  | 'snapshot'
  /** Applied to the state machine. */
  | 'applied'
  /** Committed, not yet applied. */
  | 'committed'
  /** In the log but not known to be committed. */
  | 'pending';

export interface Cell {
  index: number;
  state: CellState;
  term: number | undefined;
  kind: EntryKind | undefined;
  /** Not yet written to the member's disk. */
  unstable: boolean;
  /** The leader holds a different term at this index: the entry will be overwritten. */
  diverged: boolean;
}

export interface StripRow {
  id: string;
  name: string;
  cells: Cell[];
}

export interface StripModel {
  lo: number;
  hi: number;
  rows: StripRow[];
}

/** The window of indices shown: the newest `width` up to the highest last index (at least index 1). */
export function stripWindow(logs: readonly RaftLogView[], width: number): { lo: number; hi: number } {
  let hi = 0;
  for (const l of logs) hi = Math.max(hi, l.lastIndex);
  hi = Math.max(hi, 1);
  return { lo: Math.max(1, hi - width + 1), hi };
}

export function buildStrips(logs: readonly RaftLogView[], width: number, leader?: string): StripModel {
  const { lo, hi } = stripWindow(logs, width);
  const lead = logs.find((l) => l.id === leader);
  const leadTerms = new Map<number, number>();
  if (lead) for (const e of lead.entries) leadTerms.set(e.index, e.term);
  const rows = logs.map((l) => {
    const byIndex = new Map(l.entries.map((e) => [e.index, e]));
    const cells: Cell[] = [];
    for (let i = lo; i <= hi; i++) {
      const e = byIndex.get(i);
      let state: CellState;
      if (i > l.lastIndex) state = 'empty';
      else if (i < l.firstIndex) state = 'snapshot';
      else if (i <= l.applied) state = 'applied';
      else if (i <= l.commit) state = 'committed';
      else state = 'pending';
      const lt = leadTerms.get(i);
      cells.push({
        index: i,
        state,
        term: e?.term,
        kind: e?.kind,
        unstable: e !== undefined && i > l.stableIndex,
        diverged: e !== undefined && lt !== undefined && lt !== e.term,
      });
    }
    return { id: l.id, name: l.name, cells };
  });
  return { lo, hi, rows };
}

/**
 * A colour for a term: terms cycle through a palette of well-separated hues,
 * so neighbouring terms always differ.
 */
export function termColour(term: number): string {
  const hue = (term * 137.508) % 360; // the golden angle spreads consecutive terms apart
  return `hsl(${hue.toFixed(0)} 65% 62%)`;
}
