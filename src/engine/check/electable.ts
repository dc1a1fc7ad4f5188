// Commit safety looking forward: once an entry is committed, no member that
// lacks it may hold a log at least as up-to-date as those of a quorum of
// voters, or that quorum could elect it and the new leader would overwrite
// the entry. Raft keeps this true through the current-term commit rule
// (Raft paper §5.4.2, Figure 8); checking it when an entry is committed
// catches a wrong commit before any election has to exploit it.
import type { RaftLog } from '../raft/log.ts';
import type { MemoryStorage } from '../raft/storage.ts';
import type { NodeId } from '../raft/types.ts';

/** What an election compares of a log, and whether it holds a given entry. */
export interface LogTip {
  first: number;
  last: number;
  lastTerm: number;
  /** The term at index i, or undefined outside first..last. */
  termAt(i: number): number | undefined;
}

export function tipOfLog(l: RaftLog): LogTip {
  return { first: l.firstIndex(), last: l.lastIndex(), lastTerm: l.lastTerm(), termAt: (i) => l.termOrUndefined(i) };
}

/** A crashed member's log, as it restarts from its disk. */
export function tipOfStorage(s: MemoryStorage): LogTip {
  const first = s.firstIndex();
  const last = s.lastIndex();
  const termAt = (i: number): number | undefined => (i < first - 1 || i > last ? undefined : s.term(i));
  return { first, last, lastTerm: termAt(last) ?? 0, termAt };
}

/** Raft's up-to-date comparison: a's log is at least as up-to-date as b's. */
function upToDate(a: LogTip, b: LogTip): boolean {
  return a.lastTerm > b.lastTerm || (a.lastTerm === b.lastTerm && a.last >= b.last);
}

/** Whether the log holds entry (index, term); a compacted index is held (its snapshot covers it). */
function holds(l: LogTip, index: number, term: number): boolean {
  return index < l.first || l.termAt(index) === term;
}

/**
 * The first voter that lacks committed entry (index, term) yet could win the
 * votes of a quorum of voters, described; undefined if there is none. Only
 * voters campaign (members refuse a removed member's messages).
 */
export function electableWithout(index: number, term: number, voters: readonly NodeId[], logs: ReadonlyMap<NodeId, LogTip>): string | undefined {
  const quorum = Math.floor(voters.length / 2) + 1;
  for (const id of voters) {
    const l = logs.get(id);
    if (!l || holds(l, index, term)) continue;
    const electors = voters.filter((v) => {
      const o = logs.get(v);
      return o !== undefined && upToDate(l, o);
    });
    if (electors.length >= quorum) {
      const tips = [...logs].map(([x, o]) => `${x} ${o.first}..${o.last}@${o.lastTerm}`).join(', ');
      return `committed entry at risk: ${id} lacks entry ${index} (term ${term}), yet its log (last index ${l.last}, term ${l.lastTerm}) is as up-to-date as those of ${electors.length} of ${voters.length} voters (${electors.join(', ')}), who could elect it [logs: ${tips}]`;
    }
  }
  return undefined;
}
