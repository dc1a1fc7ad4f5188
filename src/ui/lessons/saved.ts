// The open lesson and how far the learner got, kept in localStorage so a
// reload reopens it at the same step (beside the playground itself, which
// persist/ keeps in IndexedDB). A record that does not parse is ignored.
import type { Progress } from './runner.ts';

const KEY = 'etcd-playground:lesson';

function isProgress(v: unknown): v is Progress {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Record<string, unknown>;
  const flat = (o: unknown, ok: (x: unknown) => boolean) => typeof o === 'object' && o !== null && Object.values(o).every(ok);
  return (
    typeof p.id === 'string' &&
    Number.isInteger(p.index) &&
    flat(p.memo, (x) => typeof x === 'string' || typeof x === 'number') &&
    flat(p.picks, (x) => Number.isInteger(x))
  );
}

export function loadProgress(): Progress | undefined {
  try {
    const raw = globalThis.localStorage?.getItem(KEY);
    const v: unknown = raw ? JSON.parse(raw) : undefined;
    return isProgress(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Saves the progress, or forgets it (undefined: no lesson open). */
export function saveProgress(p: Progress | undefined): void {
  try {
    if (p) globalThis.localStorage?.setItem(KEY, JSON.stringify(p));
    else globalThis.localStorage?.removeItem(KEY);
  } catch {
    // Private mode or a full quota: the lesson still runs, it just won't survive a reload.
  }
}
