// A playground as one file: what the page exports and imports, and what the
// server mode loads (serve --import) and writes (etcd-playground export).
// JSON with a format tag and a version:
//
//   format    "etcd-playground"
//   version   PLAYGROUND_FILE_VERSION; older files are brought up to date by
//             FILE_MIGRATIONS, newer ones are refused
//   name      the playground's name
//   cluster   the cluster image: settings, virtual time, membership, node
//             lives (paused members included) and every member's disk
//             (hard state, log, snapshot, applied key/value area)
//   network   the fault settings: default link conditions, per-link
//             overrides, the partition and one-way cuts
//   files     the terminal's file system (snapshot files and the like)
//   history   the terminal's command history (the page's only; optional)
//
// Decoding never trusts the text: anything malformed, truncated or hostile
// ends in a PlaygroundFileError that says what is wrong, never a crash.
import type { NodeId } from '../raft/types.ts';
import { fromBase64, toBase64 } from '../util/bytes.ts';
import { type ClusterImage, checkClusterImage } from './image.ts';
import type { LinkConditions } from './network.ts';

export const PLAYGROUND_FILE_FORMAT = 'etcd-playground';
/** Bump when the file changes shape; add the upgrade from the old version to FILE_MIGRATIONS. */
export const PLAYGROUND_FILE_VERSION = 1;
/** What a file may weigh at most (text), so a huge upload is refused before it is parsed. */
export const MAX_PLAYGROUND_FILE_BYTES = 256 * 1024 * 1024;
/** Lines of terminal history a file keeps. */
export const MAX_HISTORY = 500;

/** The network's fault settings as plain data (see network.ts). */
export interface NetworkImage {
  defaults: LinkConditions;
  /** One-way links whose conditions differ from the defaults. */
  links: { from: NodeId; to: NodeId; conditions: LinkConditions }[];
  /** The partition's groups, or null for none. */
  partition: NodeId[][] | null;
  /** One-way cuts, [from, to]. */
  cuts: [NodeId, NodeId][];
}

export interface PlaygroundFileEntry {
  path: string;
  /** The file's bytes, base64. */
  data: string;
}

export interface PlaygroundFile {
  format: typeof PLAYGROUND_FILE_FORMAT;
  version: typeof PLAYGROUND_FILE_VERSION;
  name: string;
  cluster: ClusterImage;
  network: NetworkImage;
  files: PlaygroundFileEntry[];
  history?: string[];
}

/** A file that cannot be loaded; the message is for people. */
export class PlaygroundFileError extends Error {
  constructor(detail: string) {
    super(`playground file: ${detail}`);
    this.name = 'PlaygroundFileError';
  }
}

/** Rewrites a parsed file of one version into the next one's. */
export type FileMigration = (file: Record<string, unknown>) => Record<string, unknown>;

/** Upgrades by the version they start from: FILE_MIGRATIONS[1] turns version 1 into 2, and so on. */
export const FILE_MIGRATIONS: Readonly<Record<number, FileMigration>> = {};

export const NO_FAULTS: NetworkImage = {
  defaults: { latencyMin: 1, latencyMax: 5, dropRate: 0, duplicateRate: 0 },
  links: [],
  partition: null,
  cuts: [],
};

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isStr = (x: unknown): x is string => typeof x === 'string';
const isRate = (x: unknown): x is number => typeof x === 'number' && x >= 0 && x <= 1;
const isMs = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;
const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

function bad(detail: string): never {
  throw new PlaygroundFileError(detail);
}

function checkLink(x: unknown, where: string): asserts x is LinkConditions {
  if (!isObj(x) || !isMs(x.latencyMin) || !isMs(x.latencyMax) || x.latencyMax < x.latencyMin || !isRate(x.dropRate) || !isRate(x.duplicateRate)) {
    bad(`bad link conditions in ${where}`);
  }
}

/** Checks the network part against the members the cluster has. */
export function checkNetworkImage(x: unknown, members: ReadonlySet<string>): asserts x is NetworkImage {
  if (!isObj(x)) bad('no network settings');
  checkLink(x.defaults, 'the network defaults');
  const known = (id: unknown, what: string): void => {
    if (!isStr(id) || !members.has(id)) bad(`${what} names an unknown member ${JSON.stringify(id)}`);
  };
  if (!Array.isArray(x.links)) bad('no link list');
  for (const l of x.links as unknown[]) {
    if (!isObj(l)) bad('bad link override');
    known(l.from, 'a link override');
    known(l.to, 'a link override');
    checkLink(l.conditions, `the link ${String(l.from)}->${String(l.to)}`);
  }
  if (x.partition !== null) {
    if (!Array.isArray(x.partition)) bad('bad partition');
    const seen = new Set<string>();
    for (const g of x.partition as unknown[]) {
      if (!Array.isArray(g)) bad('bad partition group');
      for (const id of g as unknown[]) {
        known(id, 'the partition');
        if (seen.has(id as string)) bad(`member ${String(id)} is in two partition groups`);
        seen.add(id as string);
      }
    }
  }
  if (!Array.isArray(x.cuts)) bad('no cut list');
  for (const c of x.cuts as unknown[]) {
    if (!Array.isArray(c) || c.length !== 2) bad('bad cut link');
    known(c[0], 'a cut link');
    known(c[1], 'a cut link');
  }
}

/** Checks a parsed file of the current version, every part of it. */
export function checkPlaygroundFile(x: unknown): asserts x is PlaygroundFile {
  if (!isObj(x)) bad('not a JSON object');
  if (x.format !== PLAYGROUND_FILE_FORMAT) bad('not an etcd playground file (no "format": "etcd-playground")');
  if (x.version !== PLAYGROUND_FILE_VERSION) bad(`unsupported version ${String(x.version)}`);
  if (!isStr(x.name) || x.name.trim() === '') bad('no playground name');
  try {
    checkClusterImage(x.cluster);
  } catch (e) {
    bad(e instanceof Error ? e.message : String(e));
  }
  const cluster = x.cluster as ClusterImage;
  checkNetworkImage(x.network, new Set(cluster.nodes.map((n) => n.id)));
  if (!Array.isArray(x.files)) bad('no file list');
  const paths = new Set<string>();
  for (const f of x.files as unknown[]) {
    if (!isObj(f) || !isStr(f.path) || !f.path.startsWith('/') || !isStr(f.data) || !B64.test(f.data)) bad('bad file entry');
    if (paths.has(f.path)) bad(`file ${f.path} appears twice`);
    paths.add(f.path);
  }
  if (x.history !== undefined && (!Array.isArray(x.history) || !x.history.every(isStr))) bad('bad terminal history');
}

/**
 * Brings a parsed file up to PLAYGROUND_FILE_VERSION (or target) through the
 * migrations; refuses unknown and newer versions.
 */
export function migrateFile(
  x: Record<string, unknown>,
  migrations: Readonly<Record<number, FileMigration>> = FILE_MIGRATIONS,
  target: number = PLAYGROUND_FILE_VERSION,
): Record<string, unknown> {
  if (x.format !== PLAYGROUND_FILE_FORMAT) bad('not an etcd playground file (no "format": "etcd-playground")');
  let v = x.version;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) bad(`unknown version ${JSON.stringify(v) ?? 'undefined'}`);
  if (v > target) bad(`version ${v} was written by a newer etcd playground (this one reads up to version ${target})`);
  let out = x;
  while (v < target) {
    const up = migrations[v];
    if (!up) bad(`no upgrade from version ${v} to ${v + 1}`);
    out = up(out);
    if (out.version !== v + 1) bad(`the upgrade from version ${v} did not produce version ${v + 1}`);
    v++;
  }
  return out;
}

/** Parses and checks a file's text (after upgrading an older version). */
export function decodePlaygroundFile(text: string, migrations?: Readonly<Record<number, FileMigration>>, target?: number): PlaygroundFile {
  if (text.length > MAX_PLAYGROUND_FILE_BYTES) bad(`too large (${text.length} bytes; at most ${MAX_PLAYGROUND_FILE_BYTES})`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    bad(`not valid JSON (${e instanceof Error ? e.message : String(e)}); is the file complete?`);
  }
  if (!isObj(parsed)) bad('not a JSON object');
  const file = migrateFile(parsed, migrations, target);
  checkPlaygroundFile(file);
  return file;
}

/** The file's text: stable key order, one line (files can be large). */
export function encodePlaygroundFile(f: PlaygroundFile): string {
  checkPlaygroundFile(f);
  return JSON.stringify(f) + '\n';
}

export function fileEntries(files: Iterable<[string, Uint8Array]>): PlaygroundFileEntry[] {
  return [...files].map(([path, data]) => ({ path, data: toBase64(data) }));
}

export function entryBytes(e: PlaygroundFileEntry): Uint8Array {
  return fromBase64(e.data);
}

/** A file name for a playground name: "My lab" gives "my-lab.etcd-playground.json". */
export function playgroundFileName(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${slug || 'playground'}.etcd-playground.json`;
}
