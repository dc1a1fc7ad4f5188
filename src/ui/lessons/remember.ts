// Named values a lesson reads from the world: stored in the memo when a step
// begins ("remember": {"leader0": "leader"}) and filled into commands and
// prose as {name} placeholders. A source may take an argument after a colon:
// "endpoint:leader0" is the client endpoint of the member the memo calls
// leader0 (or of the member named so), "modRev:/app/db" a key's revision.
import { endpointOf, followers, initialCluster, keyState, keysUnder, leader, leaseIds, logTermAt, member, storeRev, term, allEndpoints } from './probe.ts';
import type { Memo } from './types.ts';
import type { World } from '../../terminal/core/world.ts';

type Source = (w: World, arg: string, memo: Memo) => string | number | undefined;

/** A member argument: a memo entry naming one, a source naming one ("leader"), else the name itself. */
function who(w: World, memo: Memo, arg: string): string {
  if (arg in memo) return String(memo[arg]);
  if (arg === 'leader' || arg === 'follower') return String(SOURCES[arg]!(w, '', memo) ?? arg);
  return arg;
}

const SOURCES: Record<string, Source> = {
  leader: (w) => leader(w)?.name,
  /** The last running follower by name (a stable choice). */
  follower: (w) => followers(w).at(-1)?.name,
  term: (w) => term(w),
  termNext: (w) => term(w) + 1,
  rev: (w) => storeRev(w),
  revNext: (w) => storeRev(w) + 1,
  endpoints: (w) => allEndpoints(w),
  initialCluster: (w) => initialCluster(w),
  /** The leader's leases, comma-separated, to tell a new one from them. */
  leases: (w) => leaseIds(w).join(','),
  endpoint: (w, arg, memo) => endpointOf(w, who(w, memo, arg)),
  memberId: (w, arg, memo) => member(w, who(w, memo, arg))?.id,
  modRev: (w, arg) => keyState(w, arg)?.mod,
  createRev: (w, arg) => keyState(w, arg)?.create,
  /** The oldest key under a prefix (a lock's holder) and its create revision. */
  firstKey: (w, arg) => keysUnder(w, arg)[0]?.key,
  firstKeyRev: (w, arg) => keysUnder(w, arg)[0]?.create,
  /** "index:term" of a member's last log entry when it is not committed yet, else "". */
  uncommitted: (w, arg, memo) => {
    const n = member(w, who(w, memo, arg));
    const log = n?.rn?.raft.raftLog;
    if (!n || !log || log.lastIndex() <= log.committed) return '';
    return `${log.lastIndex()}:${logTermAt(n, log.lastIndex()) ?? 0}`;
  },
};

export const SOURCE_NAMES: readonly string[] = Object.keys(SOURCES);

/** Splits "name:arg". */
function parse(spec: string): [string, string] {
  const i = spec.indexOf(':');
  return i < 0 ? [spec, ''] : [spec.slice(0, i), spec.slice(i + 1)];
}

export function isSource(spec: string): boolean {
  return parse(spec)[0] in SOURCES;
}

/** A source's value now (undefined when the world has none, e.g. no leader). */
export function readSource(w: World, spec: string, memo: Memo): string | number | undefined {
  const [name, arg] = parse(spec);
  const fn = SOURCES[name];
  return fn ? fn(w, arg, memo) : undefined;
}

/** Stores each remembered value; a source with no value leaves the memo entry as it was. */
export function remember(w: World, specs: Record<string, string> | undefined, memo: Memo): void {
  for (const [name, spec] of Object.entries(specs ?? {})) {
    const v = readSource(w, spec, memo);
    if (v !== undefined) memo[name] = v;
  }
}

/** Fills {name} placeholders from the memo, else from a live source; unknown ones stay as typed. */
export function fill(text: string, w: World, memo: Memo): string {
  return text.replace(/\{([A-Za-z][\w]*(?::[^{}\s]+)?)\}/g, (whole, spec: string) => {
    if (spec in memo) return String(memo[spec]);
    try {
      const v = readSource(w, spec, memo);
      return v === undefined ? whole : String(v);
    } catch {
      return whole;
    }
  });
}

/** The placeholder names a text uses. */
export function placeholders(text: string): string[] {
  return [...text.matchAll(/\{([A-Za-z][\w]*(?::[^{}\s]+)?)\}/g)].map((m) => m[1]!);
}
