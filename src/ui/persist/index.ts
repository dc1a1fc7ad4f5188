// The page's side of persistence: load the current named playground at
// start (or make a fresh one), save it frame by frame while the page runs,
// flush when the page is hidden or left, and reset on request. Which
// playground is current, and the others, are in the registry (registry.ts);
// switching between them is actions.ts.
//
//   ?reset        forget the saved playground and start fresh
//   ?seed=N       start fresh with seed N unless the saved one has that seed
//
// A saved playground that cannot be loaded is reported in a notice and
// replaced by a fresh one: the page never stays broken. The hook for tests
// is window.__etcdPlayground.
import type { UseStore } from 'idb-keyval';
import type { World } from '../../terminal/core/world.ts';
import { showNotice } from './notice.ts';
import { type LoadResult, Persister, type SaveStats, clearSaved, loadWorld } from './persist.ts';
import { DEFAULT_ID, type PlaygroundEntry, PlaygroundRegistry } from './registry.ts';

export { FORMAT_VERSION } from './format.ts';

let store: UseStore | undefined;
let persister: Persister | undefined;
let registry: PlaygroundRegistry | undefined;
let currentEntry: PlaygroundEntry | undefined;
let pageWorld: (() => World) | undefined;

/** The named playground this page runs, its registry (none when the browser storage is unusable) and its world. */
export function playgroundSession(): { registry?: PlaygroundRegistry; current?: PlaygroundEntry; world?: () => World } {
  return { registry, current: currentEntry, world: pageWorld };
}

/** Writes what is not saved yet and stops saving: the page is about to open another playground. */
export async function finishSaving(): Promise<void> {
  const p = persister;
  if (!p) return;
  await p.flush();
  p.stop();
  await p.idle();
  persister = undefined;
}

/** What tests read and call through window.__etcdPlayground. */
export interface PlaygroundTestHook {
  /** 'restored', 'fresh', 'failed: reason' or 'unsaved: reason'. */
  origin: string;
  /** The current playground's name. */
  playground: () => string | undefined;
  /** Writes pending changes and resolves once committed. */
  flush(): Promise<void>;
  stats(): SaveStats | undefined;
  /** Stops saving (tests: to write the store by hand). */
  stopSaving(): Promise<void>;
  reset(): Promise<void>;
  /** The page's current world. */
  world: () => World;
}

declare global {
  interface Window {
    __etcdPlayground?: PlaygroundTestHook;
  }
}

const LOAD_TIMEOUT_MS = 4000;
const LOCK_NAME = 'etcd-playground:save';

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

function urlSeed(params: URLSearchParams): number | undefined {
  const s = Number(params.get('seed'));
  return params.has('seed') && Number.isInteger(s) && s > 0 ? s : undefined;
}

/** The cluster settings a restored playground had, for the page's controls. */
export interface RestoredSettings {
  seed: number;
  /** Members that are not removed. */
  nodes: number;
  heartbeatInterval: number;
  electionTimeout: number;
  snapshotCount: number;
  preVote: boolean;
  checkQuorum: boolean;
}

export interface RestoreOrCreate {
  /** Builds a fresh world (no saved one, a damaged one, or ?seed asks for another seed). */
  fresh: () => World;
  /** The page's world now; saving follows it when the page replaces it. Default: the world returned. */
  current?: () => World;
  /** Told the settings of a restored playground. */
  restored?: (s: RestoredSettings) => void;
}

/**
 * The page's world: the saved playground if there is a sound one, else a
 * fresh one (and the store starts over). Starts saving as it runs.
 */
export async function restoreOrCreateWorld(opts: RestoreOrCreate): Promise<World> {
  const params = new URLSearchParams(location.search);
  let origin = 'fresh';
  let result: LoadResult = { kind: 'empty' };
  try {
    registry = new PlaygroundRegistry();
    currentEntry = await withTimeout(registry.current(), LOAD_TIMEOUT_MS, 'the browser storage');
    store = registry.storeOf(currentEntry.id);
    if (params.has('reset')) {
      await withTimeout(clearSaved(store), LOAD_TIMEOUT_MS, 'the browser storage');
      params.delete('reset');
      const q = params.toString();
      history.replaceState(history.state, '', `${location.pathname}${q ? `?${q}` : ''}${location.hash}`);
    }
    result = await withTimeout(loadWorld(store), LOAD_TIMEOUT_MS, 'the browser storage');
  } catch (e) {
    // No usable IndexedDB (disabled, private mode, blocked): run unsaved, and leave whatever is stored alone.
    const why = e instanceof Error ? e.message : String(e);
    store = undefined;
    registry = undefined;
    origin = `unsaved: ${why}`;
    showNotice(`This playground will not be saved: ${why}.`, { tone: 'warn' });
  }

  let world: World;
  const seed = urlSeed(params);
  if (result.kind === 'restored' && (seed === undefined || seed === result.image.settings.seed)) {
    world = result.world;
    origin = 'restored';
    const img = result.image;
    const s = img.settings;
    opts.restored?.({
      seed: s.seed,
      nodes: img.nodes.filter((n) => !img.removed.includes(n.id)).length,
      heartbeatInterval: s.heartbeatInterval,
      electionTimeout: s.electionTimeout,
      snapshotCount: s.snapshotCount,
      preVote: s.preVote,
      checkQuorum: s.checkQuorum,
    });
    const names = img.nodes.filter((n) => n.life === 'running' || n.life === 'paused').map((n) => n.name);
    showNotice(
      `Restored your playground "${currentEntry?.name ?? 'default'}" from ${new Date(result.savedAt).toLocaleString()}: ${names.join(', ') || 'no member'} restarting from ${names.length === 1 ? 'its disk' : 'their disks'}.`,
      { action: { label: 'reset playground', run: () => void resetPlayground() }, timeoutMs: 10_000 },
    );
  } else {
    if (result.kind === 'failed') {
      origin = `failed: ${result.reason}`;
      showNotice(`The saved playground could not be restored: ${result.reason}. Started a fresh one.`, { tone: 'warn' });
    }
    // The first save replaces the store, so no record of the old playground lingers.
    world = opts.fresh();
  }

  const current = opts.current ?? (() => world);
  pageWorld = current;
  if (store) startSaving(current, store, currentEntry?.id ?? DEFAULT_ID);
  window.__etcdPlayground = {
    origin,
    playground: () => currentEntry?.name,
    world: current,
    flush: () => persister?.flush() ?? Promise.resolve(),
    stats: () => persister?.stats,
    stopSaving: async () => {
      persister?.stop();
      await persister?.idle();
    },
    reset: resetPlayground,
  };
  return world;
}

function startSaving(world: () => World, st: UseStore, id: string): void {
  const p = (persister = new Persister(world, st));
  const begin = () => {
    const frame = () => {
      p.tick();
      if (persister === p) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    // A hidden tab gets no frames; a closing one gets no more: write now.
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') void p.flush();
    });
    window.addEventListener('pagehide', () => void p.flush());
  };
  // One tab saves at a time: two writers would tear the store. A second tab
  // waits for the lock, which the first releases when it closes.
  const locks = (navigator as Partial<Navigator>).locks;
  if (!locks) {
    begin();
    return;
  }
  let granted = false;
  // One lock per playground: two tabs on two playgrounds both save.
  void locks.request(id === DEFAULT_ID ? LOCK_NAME : `${LOCK_NAME}:${id}`, () => {
    granted = true;
    if (persister !== p) return undefined;
    begin();
    return new Promise<never>(() => {}); // held for the page's life
  });
  setTimeout(() => {
    if (!granted && persister === p) {
      showNotice('This playground is open in another tab, which saves it. This tab will save once that one is closed.', { tone: 'warn', timeoutMs: 15_000 });
    }
  }, 1500);
}

/** "Reset playground": forget the saved state and reload into a fresh playground. */
export async function resetPlayground(): Promise<void> {
  persister?.stop();
  await persister?.idle();
  persister = undefined;
  if (store) await clearSaved(store).catch(() => undefined);
  const params = new URLSearchParams(location.search);
  params.delete('reset');
  const q = params.toString();
  location.replace(`${location.pathname}${q ? `?${q}` : ''}${location.hash}`);
}
