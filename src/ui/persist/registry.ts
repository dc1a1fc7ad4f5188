// Named playgrounds: which ones exist, what they are called and which one
// the page opens. Each playground keeps its records in its own IndexedDB
// database (its namespace); this registry is one more small database. The
// first playground, "default", keeps the database the page always used, so
// a playground saved before there were names is still there.
//
// DOM-free (IndexedDB through idb-keyval), so Node tests run it over
// fake-indexeddb.
import { type UseStore, clear, createStore, get, set } from 'idb-keyval';
import { DB_NAME, openStore } from './persist.ts';

export interface PlaygroundEntry {
  id: string;
  name: string;
  /** Wall-clock ms, for the list's order only. */
  createdAt: number;
}

export interface RegistryState {
  current: string;
  playgrounds: PlaygroundEntry[];
}

export const DEFAULT_ID = 'default';
export const REGISTRY_DB = 'etcd-playground-registry';
const KEY = 'registry';
export const MAX_NAME = 60;

/** A request the registry refuses (bad or taken name, unknown playground); the message is for people. */
export class PlaygroundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlaygroundError';
  }
}

/** The database a playground's records live in. */
export function dbNameOf(id: string): string {
  return id === DEFAULT_ID ? DB_NAME : `${DB_NAME}:${id}`;
}

const isEntry = (x: unknown): x is PlaygroundEntry =>
  typeof x === 'object' && x !== null && typeof (x as PlaygroundEntry).id === 'string' && typeof (x as PlaygroundEntry).name === 'string';

function newId(): string {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  const bytes = new Uint8Array(6);
  if (c?.getRandomValues) c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export class PlaygroundRegistry {
  private readonly store: UseStore;

  constructor(
    private readonly dbPrefix = '',
    private readonly clock: () => number = () => Date.now(),
  ) {
    this.store = createStore(dbPrefix + REGISTRY_DB, 'playgrounds');
  }

  /** A playground's own store. */
  storeOf(id: string): UseStore {
    return openStore(this.dbPrefix + dbNameOf(id));
  }

  /** The registry as saved; a missing or damaged one is the default playground alone. */
  async read(): Promise<RegistryState> {
    const raw = (await get<unknown>(KEY, this.store)) as Partial<RegistryState> | undefined;
    const list = Array.isArray(raw?.playgrounds) ? raw.playgrounds.filter(isEntry) : [];
    if (list.length === 0) list.push({ id: DEFAULT_ID, name: 'default', createdAt: 0 });
    const current = typeof raw?.current === 'string' && list.some((p) => p.id === raw.current) ? raw.current : list[0]!.id;
    return { current, playgrounds: list };
  }

  private write(s: RegistryState): Promise<void> {
    return set(KEY, s, this.store);
  }

  async current(): Promise<PlaygroundEntry> {
    const s = await this.read();
    return s.playgrounds.find((p) => p.id === s.current)!;
  }

  /** A name checked for use: trimmed, not empty, not too long, not another playground's. */
  checkName(s: RegistryState, name: string, self?: string): string {
    const n = name.trim();
    if (n === '') throw new PlaygroundError('a playground needs a name');
    if (n.length > MAX_NAME) throw new PlaygroundError(`a playground name has at most ${MAX_NAME} characters`);
    if (s.playgrounds.some((p) => p.id !== self && p.name === n)) throw new PlaygroundError(`a playground named "${n}" already exists`);
    return n;
  }

  /** name, or "name (2)", "name (3)"... whichever is free (for imports). */
  async freeName(name: string): Promise<string> {
    const s = await this.read();
    const base = (name.trim() || 'imported').slice(0, MAX_NAME - 5);
    let n = base;
    for (let i = 2; s.playgrounds.some((p) => p.name === n); i++) n = `${base} (${i})`;
    return n;
  }

  find(s: RegistryState, nameOrId: string): PlaygroundEntry {
    const p = s.playgrounds.find((x) => x.name === nameOrId) ?? s.playgrounds.find((x) => x.id === nameOrId);
    if (!p) throw new PlaygroundError(`no playground named "${nameOrId}"`);
    return p;
  }

  /** Adds an empty playground (it becomes current only through select). */
  async create(name: string): Promise<PlaygroundEntry> {
    const s = await this.read();
    const entry: PlaygroundEntry = { id: newId(), name: this.checkName(s, name), createdAt: this.clock() };
    // A leftover database of that ID (none expected) must not leak into the new playground.
    await clear(this.storeOf(entry.id));
    await this.write({ ...s, playgrounds: [...s.playgrounds, entry] });
    return entry;
  }

  async select(id: string): Promise<void> {
    const s = await this.read();
    if (!s.playgrounds.some((p) => p.id === id)) throw new PlaygroundError(`no playground with ID ${id}`);
    await this.write({ ...s, current: id });
  }

  async rename(id: string, name: string): Promise<PlaygroundEntry> {
    const s = await this.read();
    const p = s.playgrounds.find((x) => x.id === id);
    if (!p) throw new PlaygroundError(`no playground with ID ${id}`);
    const renamed = { ...p, name: this.checkName(s, name, id) };
    await this.write({ ...s, playgrounds: s.playgrounds.map((x) => (x.id === id ? renamed : x)) });
    return renamed;
  }

  /**
   * Forgets a playground and its records. The current one's place goes to
   * the first one left; the last one is replaced by an empty default.
   * Returns the registry after.
   */
  async remove(id: string): Promise<RegistryState> {
    const s = await this.read();
    if (!s.playgrounds.some((p) => p.id === id)) throw new PlaygroundError(`no playground with ID ${id}`);
    // Cleared rather than deleted: a delete waits for every open connection (this page's
    // saver holds one), and an ID is never used again, so the empty database is harmless.
    await clear(this.storeOf(id));
    const left = s.playgrounds.filter((p) => p.id !== id);
    if (left.length === 0) left.push({ id: DEFAULT_ID, name: 'default', createdAt: this.clock() });
    const next = { current: s.current === id ? left[0]!.id : s.current, playgrounds: left };
    await this.write(next);
    return next;
  }
}
