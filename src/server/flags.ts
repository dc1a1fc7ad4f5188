// `serve`'s command line: etcd 3.4's flags where etcd has them (same names,
// defaults and checks), plus --nodes and --seed for the simulated cluster.
// Go's flag package rules: -flag or --flag, value as --flag=v or --flag v.
//
// Client URLs of a cluster of N members served by one process:
//   * N = 1: the member listens on every --listen-client-urls URL (default
//     http://localhost:2379) and, as in etcd, --advertise-client-urls is
//     then required.
//   * N > 1: --listen-client-urls is either N URLs, one per member, or one
//     URL whose port counts up per member (http://127.0.0.1:23790 gives
//     23790, 23791, 23792: the corpus's layout). Without it members use the
//     engine's layout: 127.0.0.1:2379, :12379, :22379, ... Advertised URLs
//     follow the same rules and default to the listen URLs.
// Members are named etcd0, etcd1, ... unless --initial-cluster names them
// (its names and peer URLs give the member IDs real etcd would).
// --import FILE serves a playground file's cluster instead (../import.ts).
import type { ClusterSettings } from '../engine/cluster/image.ts';
import type { ImportedPlayground } from './import.ts';
import type { ClientTLSFlags } from './tls.ts';

export interface MemberConfig {
  name: string;
  peerURLs: string[];
  listenURLs: string[];
  advertiseURLs: string[];
}

export interface ServeConfig {
  members: MemberConfig[];
  clusterToken: string;
  heartbeatInterval: number;
  electionTimeout: number;
  /** --pre-vote: off by default in etcd 3.4. */
  preVote: boolean;
  snapshotCount: number;
  maxRequestBytes: number;
  quotaBackendBytes: number | undefined;
  seed: number;
  dataDir: string | undefined;
  /** --cert-file, --key-file, --trusted-ca-file, --client-cert-auth (./tls.ts); none given when absent. */
  clientTLS?: ClientTLSFlags;
  /** --import: a playground file to serve (../import.ts fills `imported` from it). */
  importFile?: string;
  imported?: ImportedPlayground;
  /** The client URL flags as given, for --import to spread over the file's members. */
  listenClientURLs?: string[];
  advertiseClientURLs?: string[];
  /** --control-socket: a unix socket taking member commands (kill, restart, ...; see control/). */
  controlSocket: string | undefined;
}

/** The serve settings a saved cluster ran with (a data dir's, a playground file's). */
export function savedSettings(s: ClusterSettings): Pick<ServeConfig, 'clusterToken' | 'heartbeatInterval' | 'electionTimeout' | 'preVote' | 'snapshotCount' | 'seed'> {
  return {
    clusterToken: s.clusterToken,
    heartbeatInterval: s.heartbeatInterval,
    electionTimeout: s.electionTimeout,
    preVote: s.preVote,
    snapshotCount: s.snapshotCount,
    seed: s.seed,
  };
}

/** A flag error: etcd prints the text and exits (2 for a bad command line, 1 for a failed check). */
export class FlagError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

const STRING_FLAGS = [
  'name',
  'listen-client-urls',
  'advertise-client-urls',
  'listen-peer-urls',
  'initial-advertise-peer-urls',
  'initial-cluster',
  'initial-cluster-token',
  'initial-cluster-state',
  'data-dir',
  'logger',
  'log-level',
  'control-socket',
  'import',
  'cert-file',
  'key-file',
  'trusted-ca-file',
] as const;
/** Go bool flags: --flag alone means true; a value only as --flag=v. */
const BOOL_FLAGS = ['pre-vote', 'client-cert-auth'] as const;
const INT_FLAGS = ['nodes', 'heartbeat-interval', 'election-timeout', 'snapshot-count', 'max-request-bytes', 'quota-backend-bytes', 'seed'] as const;

type Raw = Partial<
  Record<(typeof STRING_FLAGS)[number], string> & Record<(typeof INT_FLAGS)[number], number> & Record<(typeof BOOL_FLAGS)[number], boolean>
>;

/** Parses argv like Go's flag package does. */
export function parseArgs(argv: string[]): Raw {
  const raw: Raw = {};
  const stringFlags = new Set<string>(STRING_FLAGS);
  const intFlags = new Set<string>(INT_FLAGS);
  const boolFlags = new Set<string>(BOOL_FLAGS);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const m = /^--?([^=]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new FlagError(`'${a}' is not a valid flag`, 2);
    const name = m[1]!;
    if (!stringFlags.has(name) && !intFlags.has(name) && !boolFlags.has(name)) throw new FlagError(`flag provided but not defined: -${name}`, 2);
    let value = m[2];
    if (boolFlags.has(name)) {
      const v = value ?? 'true';
      if (!/^(1|0|t|f|true|false|TRUE|FALSE|True|False)$/.test(v)) throw new FlagError(`invalid boolean value "${v}" for -${name}: parse error`, 2);
      (raw as Record<string, boolean>)[name] = /^(1|t|true)$/i.test(v);
      continue;
    }
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: -${name}`, 2);
      value = argv[++i]!;
    }
    if (intFlags.has(name)) {
      if (!/^-?\d+$/.test(value)) throw new FlagError(`invalid value "${value}" for flag -${name}: parse error`, 2);
      (raw as Record<string, number>)[name] = Number(value);
    } else {
      (raw as Record<string, string>)[name] = value;
    }
  }
  return raw;
}

const list = (s: string | undefined): string[] | undefined =>
  s === undefined
    ? undefined
    : s
        .split(',')
        .map((u) => u.trim())
        .filter((u) => u !== '');

function checkURL(u: string, flag: string): void {
  const m = /^(\w+):\/\/([^/:]+|\[[^\]]+\]):(\d+)\/?$/.exec(u);
  if (!m) throw new FlagError(`error verifying flags, expected "host:port" with scheme in --${flag}, got ${JSON.stringify(u)}`, 1);
  if (m[1] !== 'http' && m[1] !== 'https') throw new FlagError(`--${flag} ${u}: only http:// and https:// URLs are supported`, 1);
}

function withPort(u: string, delta: number): string {
  return u.replace(/:(\d+)(\/?)$/, (_, p: string, slash: string) => `:${Number(p) + delta}${slash}`);
}

/** One member's URLs out of a flag's list (see the header for the rules). */
function spread(urls: string[], n: number, i: number, flag: string): string[] {
  if (n === 1) return urls;
  if (urls.length === n) return [urls[i]!];
  if (urls.length === 1) return [withPort(urls[0]!, i)];
  throw new FlagError(`--${flag} must list one URL, or one per member (${n}), got ${urls.length}`, 1);
}

function engineLayout(i: number): string {
  const port = i < 7 ? 2379 + 10000 * i : 2379 + 100 * (i - 6);
  return `http://127.0.0.1:${port}`;
}

export function serveConfig(argv: string[]): ServeConfig {
  const raw = parseArgs(argv);
  const heartbeatInterval = raw['heartbeat-interval'] ?? 100;
  const electionTimeout = raw['election-timeout'] ?? 1000;
  if (electionTimeout < 5 * heartbeatInterval) {
    throw new FlagError(
      `error verifying flags, --election-timeout[${electionTimeout}ms] should be at least as 5 times as --heartbeat-interval[${heartbeatInterval}ms]. See 'etcd --help'.`,
      1,
    );
  }
  if (raw.import !== undefined && (raw['initial-cluster'] !== undefined || raw.nodes !== undefined || raw.name !== undefined)) {
    throw new FlagError('--import takes the members from the playground file: drop --initial-cluster, --nodes and --name', 1);
  }
  if (raw['initial-cluster-state'] !== undefined && raw['initial-cluster-state'] !== 'new') {
    throw new FlagError(`--initial-cluster-state ${raw['initial-cluster-state']}: only "new" is supported (the process runs the whole cluster)`, 1);
  }
  const listen = list(raw['listen-client-urls']);
  const advertise = list(raw['advertise-client-urls']);
  for (const u of listen ?? []) checkURL(u, 'listen-client-urls');
  for (const u of advertise ?? []) checkURL(u, 'advertise-client-urls');

  // Members and peer URLs: --initial-cluster, else --name with --initial-advertise-peer-urls.
  let named: { name: string; peerURLs: string[] }[];
  const ic = list(raw['initial-cluster']);
  if (ic) {
    const byName = new Map<string, string[]>();
    for (const entry of ic) {
      const eq = entry.indexOf('=');
      if (eq <= 0) throw new FlagError(`error setting up initial cluster: URL address does not have the form "host:port": ${entry}`, 1);
      const name = entry.slice(0, eq);
      byName.set(name, [...(byName.get(name) ?? []), entry.slice(eq + 1)]);
    }
    named = [...byName].map(([name, peerURLs]) => ({ name, peerURLs }));
    if (raw.nodes !== undefined && raw.nodes !== named.length) {
      throw new FlagError(`--nodes ${raw.nodes} does not match the ${named.length} members of --initial-cluster`, 1);
    }
  } else {
    const n = raw.nodes ?? 1;
    if (n < 1 || n > 7) throw new FlagError(`--nodes must be 1..7, got ${n}`, 1);
    if (n > 1 && raw.name !== undefined) throw new FlagError('--name names a single member; name several with --initial-cluster', 1);
    const peer = list(raw['initial-advertise-peer-urls']) ?? ['http://localhost:2380'];
    named =
      n === 1
        ? [{ name: raw.name ?? 'default', peerURLs: peer }]
        : Array.from({ length: n }, (_, i) => ({ name: `etcd${i}`, peerURLs: [`http://127.0.0.1:${2380 + 10000 * i}`] }));
  }
  const n = named.length;
  if (n > 7) throw new FlagError(`a cluster has 1..7 members, got ${n}`, 1);
  if (n === 1 && listen && !advertise && raw.import === undefined) {
    throw new FlagError("error verifying flags, --advertise-client-urls is required when --listen-client-urls is set explicitly. See 'etcd --help'.", 1);
  }

  const members = named.map((m, i): MemberConfig => {
    const l = listen ? spread(listen, n, i, 'listen-client-urls') : [n === 1 ? 'http://localhost:2379' : engineLayout(i)];
    const a = advertise ? spread(advertise, n, i, 'advertise-client-urls') : n === 1 ? ['http://localhost:2379'] : l;
    return { name: m.name, peerURLs: m.peerURLs, listenURLs: l, advertiseURLs: a };
  });
  return {
    members,
    clusterToken: raw['initial-cluster-token'] ?? 'etcd-cluster',
    heartbeatInterval,
    electionTimeout,
    preVote: raw['pre-vote'] ?? false,
    snapshotCount: raw['snapshot-count'] ?? 100000,
    maxRequestBytes: raw['max-request-bytes'] ?? 1.5 * 1024 * 1024,
    quotaBackendBytes: raw['quota-backend-bytes'] && raw['quota-backend-bytes'] > 0 ? raw['quota-backend-bytes'] : undefined,
    seed: raw.seed ?? Math.floor(Math.random() * 2 ** 31),
    dataDir: raw['data-dir'],
    clientTLS: {
      certFile: raw['cert-file'] ?? '',
      keyFile: raw['key-file'] ?? '',
      trustedCAFile: raw['trusted-ca-file'] ?? '',
      clientCertAuth: raw['client-cert-auth'] ?? false,
    },
    controlSocket: raw['control-socket'],
    importFile: raw.import,
    listenClientURLs: listen,
    advertiseClientURLs: advertise,
  };
}
