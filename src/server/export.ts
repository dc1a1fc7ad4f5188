// etcd-playground export: a stopped server's --data-dir read back into a
// playground file, which the page imports and serve --import serves. Both
// layouts serve writes are read: one member's data dir (DIR/member/...,
// members added later beside it as NAME.etcd), or several members'
// (DIR/NAME.etcd/member/...). Each member's disk is recovered as a restart
// would (persist/recover.ts), settings included as they were.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { type ClusterState, checkClusterState } from '../engine/cluster/image.ts';
import { NO_FAULTS, PLAYGROUND_FILE_FORMAT, PLAYGROUND_FILE_VERSION, type PlaygroundFile } from '../engine/cluster/playground-file.ts';
import { type ServeConfig, savedSettings, serveConfig } from './flags.ts';
import { type Logger, loadDataDirs } from './persist/datadir.ts';
import { memberPaths } from './persist/files.ts';
import { PersistError, hasWal, recoverMember } from './persist/recover.ts';

function readState(path: string): ClusterState {
  let state: unknown;
  try {
    state = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new PersistError(`cannot read cluster record ${path}: ${(e as Error).message}`);
  }
  checkClusterState(state);
  return state;
}

/** The members serve would have had to lay the data dirs out like this, by the layout found. */
function layoutOf(dir: string, log: Logger): { state: ClusterState; names: string[] } {
  const own = memberPaths(dir);
  if (hasWal(own)) {
    // One member's dir: the member it holds was the first, the others are beside it.
    const name = recoverMember(own, () => {}).meta.name;
    return { state: readState(own.cluster), names: [name] };
  }
  const dirs = existsSync(dir) ? readdirSync(dir).filter((d) => d.endsWith('.etcd') && hasWal(memberPaths(join(dir, d)))) : [];
  if (dirs.length === 0) {
    throw new PersistError(`${dir} holds no member data (expected ${join(dir, 'member', 'wal')} or ${join(dir, 'NAME.etcd', 'member', 'wal')})`);
  }
  const state = readState(memberPaths(join(dir, dirs[0]!)).cluster);
  log('I', 'export', `found ${dirs.length} member data dir(s) in ${dir}`);
  // Several members give serve's DIR/NAME.etcd layout; the first one's dir is read first.
  const names = state.nodes.map((n) => n.name || n.id);
  return { state, names: names.length > 1 ? names : [...names, `${names[0]}-unused`] };
}

/** The playground file of the cluster in a stopped server's data dir; throws PersistError on damage. */
export function exportDataDir(dataDir: string, opts: { name?: string; log?: Logger } = {}): PlaygroundFile {
  const log: Logger = opts.log ?? (() => {});
  const dir = resolve(dataDir);
  const { state, names } = layoutOf(dir, log);
  const s = state.settings;
  // Where serve put each member's dir, and the settings the cluster ran with (loadDataDirs takes the timing from cfg).
  const cfg: ServeConfig = {
    ...serveConfig(['--data-dir', dir]),
    members: names.map((name) => ({ name, peerURLs: [], listenURLs: [], advertiseURLs: [] })),
    ...savedSettings(s),
  };
  const image = loadDataDirs(cfg, (level, pkg, text, member) => {
    if (level === 'W') log(level, pkg, text, member);
  });
  if (!image) throw new PersistError(`${dir} holds no member data`);
  return {
    format: PLAYGROUND_FILE_FORMAT,
    version: PLAYGROUND_FILE_VERSION,
    name: opts.name ?? basename(dir).replace(/\.etcd$/, ''),
    // The file keeps the settings the cluster ran with, not this run's start time.
    cluster: { ...image, settings: { ...image.settings, startUnix: s.startUnix } },
    network: NO_FAULTS,
    files: [],
  };
}
