// What the playground menu (and the shell's playground command) do: list,
// create, switch, rename and delete named playgrounds, export the current
// one to a file and import one as a new playground. Opening another
// playground saves this one first, then reloads the page into it (the
// URL's seed and share link are left behind: they belong to this one).
import { MAX_PLAYGROUND_FILE_BYTES, encodePlaygroundFile, playgroundFileName } from '../../engine/cluster/playground-file.ts';
import { trialStart } from '../../engine/server/playground-trial.ts';
import { finishSaving, playgroundSession, resetPlayground } from './index.ts';
import { Persister } from './persist.ts';
import { fileOfWorld, worldFromText } from './playground-io.ts';
import type { PlaygroundControl } from '../../terminal/shell/playgrounds.ts';
import { type PlaygroundEntry, PlaygroundError, type PlaygroundRegistry } from './registry.ts';

export { PlaygroundError, resetPlayground };

/** The terminal's history in localStorage (terminal/xterm.ts keeps it there). */
const HISTORY_KEY = 'etcd-playground:history';

function session(): { registry: PlaygroundRegistry; current: PlaygroundEntry } {
  const { registry, current } = playgroundSession();
  if (!registry || !current) throw new PlaygroundError('named playgrounds need the browser storage, which this page cannot use');
  return { registry, current };
}

function open(): void {
  location.replace(location.pathname);
}

export async function listPlaygrounds(): Promise<{ current: string; playgrounds: PlaygroundEntry[] }> {
  return session().registry.read();
}

/** The current playground's entry, if the page saves. */
export function currentPlayground(): PlaygroundEntry | undefined {
  return playgroundSession().current;
}

/** Saves this playground, then opens another (the page reloads). */
export async function switchPlayground(nameOrId: string): Promise<void> {
  const { registry, current } = session();
  const target = registry.find(await registry.read(), nameOrId);
  if (target.id === current.id) return;
  await finishSaving();
  await registry.select(target.id);
  open();
}

/** A new, empty playground, opened at once. */
export async function createPlayground(name: string): Promise<void> {
  const { registry } = session();
  const entry = await registry.create(name);
  await finishSaving();
  await registry.select(entry.id);
  open();
}

export async function renamePlayground(nameOrId: string, name: string): Promise<PlaygroundEntry> {
  const { registry } = session();
  const p = registry.find(await registry.read(), nameOrId);
  const renamed = await registry.rename(p.id, name);
  if (p.id === playgroundSession().current?.id) Object.assign(playgroundSession().current!, renamed);
  return renamed;
}

/** Forgets a playground; deleting the current one opens the next one left. */
export async function deletePlayground(nameOrId: string): Promise<void> {
  const { registry, current } = session();
  const p = registry.find(await registry.read(), nameOrId);
  if (p.id === current.id) await finishSaving();
  await registry.remove(p.id);
  if (p.id === current.id) open();
}

function readHistory(): string[] {
  try {
    const h: unknown = JSON.parse(localStorage.getItem(HISTORY_KEY) ?? '[]');
    return Array.isArray(h) ? h.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** The current playground as a file's text and name. */
export function exportText(): { name: string; text: string } {
  const world = playgroundSession().world?.();
  if (!world) throw new PlaygroundError('the playground is not running yet');
  const name = playgroundSession().current?.name ?? 'playground';
  return { name: playgroundFileName(name), text: encodePlaygroundFile(fileOfWorld(world, name, readHistory())) };
}

/** Downloads the current playground as a file. */
export function exportPlayground(): string {
  const { name, text } = exportText();
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}

/**
 * A playground file as a new named playground, opened at once. The file is
 * checked and its cluster started before anything is stored, so a bad file
 * changes nothing.
 */
export async function importPlayground(file: { name: string; size: number; text(): Promise<string> }): Promise<void> {
  const { registry } = session();
  if (file.size > MAX_PLAYGROUND_FILE_BYTES) throw new PlaygroundError(`${file.name}: larger than ${MAX_PLAYGROUND_FILE_BYTES / 1024 / 1024} MiB`);
  let loaded;
  try {
    loaded = worldFromText(await file.text(), { traceCapacity: 0 });
    const broken = trialStart(loaded.file);
    if (broken) throw new Error(broken);
    // The members restart as the first event: run it, so the saved lives are theirs after the restart.
    loaded.world.etcd.cluster.advanceTo(loaded.world.now());
  } catch (e) {
    throw new PlaygroundError(`${file.name}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const entry = await registry.create(await registry.freeName(loaded.file.name));
  const p = new Persister(loaded.world, registry.storeOf(entry.id));
  await p.save();
  if (p.stats.failures > 0) {
    await registry.remove(entry.id);
    throw new PlaygroundError(`${file.name}: could not be stored (${p.stats.lastError ?? 'unknown error'})`);
  }
  if (loaded.file.history?.length) {
    const merged = [...readHistory(), ...loaded.file.history].slice(-500);
    try {
      localStorage.setItem(HISTORY_KEY, JSON.stringify(merged));
    } catch {
      // No room for the history: the playground itself is stored.
    }
  }
  await finishSaving();
  await registry.select(entry.id);
  open();
}

/** The shell's playground command, through the same actions as the menu. */
export const playgroundControl: PlaygroundControl = {
  list: listPlaygrounds,
  create: createPlayground,
  open: switchPlayground,
  rename: renamePlayground,
  remove: deletePlayground,
  reset: resetPlayground,
  exportFile: exportPlayground,
  importText: (name, text) => importPlayground({ name, size: text.length, text: () => Promise.resolve(text) }),
};
