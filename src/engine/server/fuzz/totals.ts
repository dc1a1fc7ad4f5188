// The totals over many fuzz runs, and the summary line the fuzz ends with:
// "fuzz: N seeds, N ops, N faults injected, N violations".
import type { FuzzResult } from './types.ts';

export class FuzzTotals {
  seeds = 0;
  ops = 0;
  faults = 0;
  /** Runs that failed a check, or died with an engine exception. */
  violations = 0;

  add(r: FuzzResult): void {
    this.seeds++;
    this.ops += r.stats.ops;
    for (const n of Object.values(r.stats.faults)) this.faults += n;
    if (r.failure) this.violations++;
  }

  /** A run that threw instead of finishing: a violation with nothing else to count. */
  addError(): void {
    this.seeds++;
    this.violations++;
  }

  line(): string {
    return `fuzz: ${this.seeds} seeds, ${this.ops} ops, ${this.faults} faults injected, ${this.violations} violations`;
  }
}
