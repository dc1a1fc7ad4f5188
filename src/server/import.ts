// serve --import FILE: a playground file (the page's export, or
// etcd-playground export's) becomes the served cluster. Its members, their
// disks, settings and faults come from the file; from the command line come
// where they listen (--listen-client-urls / --advertise-client-urls, by the
// same rules as a new cluster's; default: the client URLs in the file) and
// where their data dirs are (--data-dir), which must hold no member yet:
// the disks are written there first, then the cluster restarts from them.
import { readFileSync } from 'node:fs';
import type { ClusterImage } from '../engine/cluster/image.ts';
import { type NetworkImage, type PlaygroundFile, decodePlaygroundFile } from '../engine/cluster/playground-file.ts';
import { withClientURLs } from '../engine/cluster/playground-state.ts';
import { trialStart } from '../engine/server/playground-trial.ts';
import { FlagError, type MemberConfig, type ServeConfig, savedSettings } from './flags.ts';
import { dataDirOf } from './persist/datadir.ts';
import { memberPaths } from './persist/files.ts';
import { hasWal } from './persist/recover.ts';

/** A cluster to serve from a file instead of new members or a data dir. */
export interface ImportedPlayground {
  file: string;
  name: string;
  image: ClusterImage;
  network: NetworkImage;
}

/** Reads and checks a playground file; a FlagError (exit 1) with the reason on anything wrong. */
export function readPlaygroundFile(path: string): PlaygroundFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FlagError(`cannot read playground file ${path}: ${code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`, 1);
  }
  try {
    return decodePlaygroundFile(text);
  } catch (e) {
    throw new FlagError(`${path}: ${(e as Error).message}`, 1);
  }
}

const withPort = (u: string, delta: number): string => u.replace(/:(\d+)(\/?)$/, (_, p: string, s: string) => `:${Number(p) + delta}${s}`);

/** One member's URLs out of a flag's list: all for one member, one each, or one whose port counts up. */
function spread(urls: string[], n: number, i: number, flag: string): string[] {
  if (n === 1) return urls;
  if (urls.length === n) return [urls[i]!];
  if (urls.length === 1) return [withPort(urls[0]!, i)];
  throw new FlagError(`--${flag} must list one URL, or one per member of the imported cluster (${n}), got ${urls.length}`, 1);
}

/**
 * The serve configuration for a file: the members are the file's (those not
 * removed), listening where the flags say or on the file's client URLs,
 * with the file's timing settings.
 */
export function importConfig(cfg: ServeConfig, path: string): ServeConfig {
  return importConfigOf(cfg, readPlaygroundFile(path), path);
}

/** importConfig for a file already read; path names it in messages. */
export function importConfigOf(cfg: ServeConfig, file: PlaygroundFile, path: string): ServeConfig {
  const img = file.cluster;
  const broken = trialStart(file);
  if (broken) throw new FlagError(`${path}: ${broken}`, 1);
  const live = img.nodes.filter((n) => n.life !== 'stopped' && img.members.some((m) => m.id === n.id));
  if (live.length === 0) throw new FlagError(`${path}: the playground has no member left to serve`, 1);
  const listen = cfg.listenClientURLs;
  const advertise = cfg.advertiseClientURLs ?? listen;
  const members = live.map((n, i): MemberConfig => {
    const m = img.members.find((x) => x.id === n.id)!;
    const l = listen ? spread(listen, live.length, i, 'listen-client-urls') : m.clientURLs;
    const a = advertise ? spread(advertise, live.length, i, 'advertise-client-urls') : m.clientURLs;
    if (l.length === 0) throw new FlagError(`${path}: member ${n.name} has no client URL; give --listen-client-urls`, 1);
    return { name: n.name, peerURLs: [...m.peerURLs], listenURLs: l, advertiseURLs: a };
  });
  const image = withClientURLs(img, (_i, name) => members.find((m) => m.name === name)?.advertiseURLs);
  const s = img.settings;
  const out: ServeConfig = {
    ...cfg,
    members,
    ...savedSettings(s),
    imported: {
      file: path,
      name: file.name,
      // Request IDs mix in the start time: this run's, as after a restart (persist/datadir.ts).
      image: { ...image, settings: { ...s, startUnix: Math.floor(Date.now() / 1000) - Math.floor(img.now / 1000) } },
      network: file.network,
    },
  };
  // The disks go into fresh data dirs: never over a member that has one.
  const dirOf = dataDirOf(out);
  for (const n of img.nodes) {
    const dir = dirOf(n.name || n.id);
    if (hasWal(memberPaths(dir))) throw new FlagError(`--import: data dir ${dir} already holds a member; remove it or choose another --data-dir`, 1);
  }
  return out;
}
