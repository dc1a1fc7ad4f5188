// keyIndex (etcd mvcc/key_index.go): the revisions of one key, split into
// generations. A generation runs from the put that creates the key to the
// tombstone that deletes it; the last generation is the live one, or empty
// right after a delete. Revisions are packed numbers (revision.ts), so
// "main <= atRev" is "packed < firstOfMain(atRev + 1)".
//
// Only revisions live here: version and create revision come from the
// backend's records, which carry them as written.
import type { KvRecord } from './backend.ts';
import { firstOfMain } from './revision.ts';

export class KeyIndex {
  /** Each generation's revisions, ascending; a non-last generation ends with its tombstone. */
  generations: number[][];
  /**
   * The record of the key's latest put and its revision (-1: none known):
   * the next put reads its predecessor here instead of searching the
   * backend's revisions. Records never change, so while the revision matches
   * it is the backend's record at that revision.
   */
  latestPutRev = -1;
  latestPut: KvRecord | undefined = undefined;

  constructor(
    readonly key: string,
    firstRev: number,
  ) {
    this.generations = [[firstRev]];
  }

  /** No revisions at all (only possible after compaction; the tree then drops the key). */
  isEmpty(): boolean {
    return this.generations.length === 1 && this.generations[0]!.length === 0;
  }

  /** Records a put at rev (greater than every revision already held). */
  put(rev: number): void {
    this.generations[this.generations.length - 1]!.push(rev);
  }

  /**
   * Records a delete at rev: it ends the live generation and opens an empty
   * one. Returns false when there is no live generation (nothing to delete).
   */
  tombstone(rev: number): boolean {
    const last = this.generations[this.generations.length - 1]!;
    if (last.length === 0) return false;
    last.push(rev);
    this.generations.push([]);
    return true;
  }

  /** The revision of the version visible at main revision atRev, or -1 if the key did not exist then. */
  get(atRev: number): number {
    const g = this.findGeneration(atRev);
    if (g === undefined) return -1;
    const limit = firstOfMain(atRev + 1);
    for (let i = g.length - 1; i >= 0; i--) {
      if (g[i]! < limit) return g[i]!;
    }
    return -1;
  }

  /** The revision of the key's latest write, whatever it was (a tombstone included). */
  lastRev(): number {
    const gens = this.generations;
    const last = gens[gens.length - 1]!;
    if (last.length > 0) return last[last.length - 1]!;
    if (gens.length < 2) return -1;
    const prev = gens[gens.length - 2]!;
    return prev[prev.length - 1]!;
  }

  /**
   * The generation holding atRev: the newest non-empty one that started at or
   * before atRev, unless it had already ended (its tombstone <= atRev).
   */
  private findGeneration(atRev: number): number[] | undefined {
    const gens = this.generations;
    const lastg = gens.length - 1;
    const limit = firstOfMain(atRev + 1);
    for (let cg = lastg; cg >= 0; cg--) {
      const g = gens[cg]!;
      if (g.length === 0) continue;
      if (cg !== lastg && g[g.length - 1]! < limit) return undefined;
      if (g[0]! < limit) return g;
    }
    return undefined;
  }

  /**
   * Compaction at atRev: drops every revision <= atRev except the largest one
   * (which reads at atRev still need), and drops that one too if it is a
   * tombstone. Revisions <= atRev that must stay in the backend are added to
   * available. Emptied generations disappear.
   */
  compact(atRev: number, available: Set<number>): void {
    let [genIdx, revIndex] = this.doCompact(atRev, available);
    const g = this.generations[genIdx]!;
    if (g.length > 0) {
      if (revIndex !== -1) g.splice(0, revIndex);
      // A generation left with only its tombstone is over: drop it too.
      if (g.length === 1 && genIdx !== this.generations.length - 1) {
        available.delete(g[0]!);
        genIdx++;
      }
    }
    if (genIdx > 0) this.generations.splice(0, genIdx);
  }

  /** What compact(atRev) would keep, without changing anything (for hashKV). */
  keep(atRev: number, available: Set<number>): void {
    if (this.isEmpty()) return;
    const [genIdx, revIndex] = this.doCompact(atRev, available);
    const g = this.generations[genIdx]!;
    if (g.length > 0 && revIndex === g.length - 1 && genIdx !== this.generations.length - 1) {
      available.delete(g[revIndex]!);
    }
  }

  /**
   * Finds the first generation that is still alive after atRev (its tombstone
   * is above atRev, or it is the last one) and, in it, the largest revision
   * <= atRev, which it adds to available. Returns [generation, index or -1].
   */
  private doCompact(atRev: number, available: Set<number>): [number, number] {
    const gens = this.generations;
    const limit = firstOfMain(atRev + 1);
    let genIdx = 0;
    while (genIdx < gens.length - 1) {
      const g = gens[genIdx]!;
      if (g[g.length - 1]! >= limit) break;
      genIdx++;
    }
    const g = gens[genIdx]!;
    for (let i = g.length - 1; i >= 0; i--) {
      if (g[i]! < limit) {
        available.add(g[i]!);
        return [genIdx, i];
      }
    }
    return [genIdx, -1];
  }
}
