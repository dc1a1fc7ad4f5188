// Small helpers shared by the benchmarks: wall time, forced GC, memory, formatting.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Wall time in ms (monotonic). */
export function nowMs(): number {
  return performance.now();
}

/**
 * A forced full GC, or undefined if none can be had. `npm run bench` runs plain
 * `tsx` (no --expose-gc), so fall back to turning the flag on at run time and
 * fetching gc from a fresh context, which Node allows.
 */
function findGc(): (() => void) | undefined {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') return g;
  try {
    setFlagsFromString('--expose-gc');
    const fn = runInNewContext('gc') as unknown;
    return typeof fn === 'function' ? (fn as () => void) : undefined;
  } catch {
    return undefined;
  }
}

const gcFn = findGc();
export const gcAvailable = gcFn !== undefined;

export interface MemSample {
  heapUsed: number;
  rss: number;
}

/** heapUsed and rss, after a forced full GC when available. */
export function memory(): MemSample {
  if (gcFn) {
    gcFn();
    gcFn();
  }
  const m = process.memoryUsage();
  // Byte arrays keep their bytes outside the JS heap: count them with it.
  return { heapUsed: m.heapUsed + m.arrayBuffers, rss: m.rss };
}

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function fmtMiB(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
