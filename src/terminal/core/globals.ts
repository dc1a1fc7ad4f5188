// etcdctl's global flags (the root command's persistent flags) and how their
// values are settled. Real etcdctl reads ETCDCTL_* variables (etcd's
// pkg/flags.SetPflagsFromEnv) only when a command builds its client, and
// only for the global flags: a variable fills an unset flag, a variable
// whose flag was also given is fatal, an invalid value is silently ignored,
// and any other ETCDCTL_* variable draws a warning.
import type { FlagSpec, ParsedFlags } from './flags.ts';
import { goDurationString } from './goparse.ts';
import { goQuote } from './gostr.ts';
import { setFlagText } from './pflag.ts';

export const GLOBAL_FLAGS: FlagSpec[] = [
  { name: 'cacert', kind: 'string', def: '', usage: 'verify certificates of TLS-enabled secure servers using this CA bundle' },
  { name: 'cert', kind: 'string', def: '', usage: 'identify secure client using this TLS certificate file' },
  { name: 'command-timeout', kind: 'duration', def: '5s', usage: 'timeout for short running command (excluding dial timeout)' },
  { name: 'debug', kind: 'bool', def: 'false', usage: 'enable client-side debug logging' },
  { name: 'dial-timeout', kind: 'duration', def: '2s', usage: 'dial timeout for client connections' },
  { name: 'discovery-srv', shorthand: 'd', kind: 'string', def: '', usage: 'domain name to query for SRV records describing cluster endpoints' },
  { name: 'discovery-srv-name', kind: 'string', def: '', usage: 'service name to query when using DNS discovery' },
  { name: 'endpoints', kind: 'stringSlice', def: '[127.0.0.1:2379]', usage: 'gRPC endpoints' },
  { name: 'hex', kind: 'bool', def: 'false', usage: 'print byte strings as hex encoded strings' },
  { name: 'insecure-discovery', kind: 'bool', def: 'true', usage: 'accept insecure SRV records describing cluster endpoints' },
  {
    name: 'insecure-skip-tls-verify',
    kind: 'bool',
    def: 'false',
    usage: 'skip server certificate verification (CAUTION: this option should be enabled only for testing purposes)',
  },
  { name: 'insecure-transport', kind: 'bool', def: 'true', usage: 'disable transport security for client connections' },
  { name: 'keepalive-time', kind: 'duration', def: '2s', usage: 'keepalive time for client connections' },
  { name: 'keepalive-timeout', kind: 'duration', def: '6s', usage: 'keepalive timeout for client connections' },
  { name: 'key', kind: 'string', def: '', usage: 'identify secure client using this TLS key file' },
  {
    name: 'password',
    kind: 'string',
    def: '',
    usage: 'password for authentication (if this option is used, --user option shouldn\'t include password)',
  },
  { name: 'user', kind: 'string', def: '', usage: 'username[:password] for authentication (prompt if password is not supplied)' },
  { name: 'write-out', shorthand: 'w', kind: 'string', def: 'simple', usage: 'set the output format (fields, json, protobuf, simple, table)' },
];

export interface GlobalOptions {
  /** Endpoints as given (host:port or URLs); the client dials them in order. */
  endpoints: string[];
  writeOut: string;
  hex: boolean;
  commandTimeoutMs: number;
  dialTimeoutMs: number;
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
  debug: boolean;
  user: string;
  password: string;
}

/** ETCDCTL_<NAME> for a flag name, as pkg/flags derives it. */
export function envName(flag: string): string {
  return 'ETCDCTL_' + flag.toUpperCase().replace(/-/g, '_');
}

/** What reading the environment found: a fatal conflict, or warnings. */
export interface EnvReport {
  /** The message of the fatal `C | pkg/flags:` line, if a variable shadows a given flag. */
  conflict?: string;
  /** Messages of `W | pkg/flags:` lines. */
  warnings: string[];
}

/**
 * SetPflagsFromEnv over flags (the command's inherited flags): fills unset
 * flags in parsed from non-empty ETCDCTL_* variables, in the environment's
 * order checks for conflicts and unrecognized variables. `extra` names more
 * variables the command takes as its own (watch's ETCDCTL_WATCH_KEY).
 */
export function applyEnv(parsed: ParsedFlags, flags: readonly FlagSpec[], env: ReadonlyMap<string, string>, extra: readonly string[] = []): EnvReport {
  const used = new Set<string>();
  const alreadySet = new Set<string>();
  for (const f of flags) {
    const key = envName(f.name);
    if (parsed.changed.has(f.name)) {
      alreadySet.add(key);
      continue;
    }
    const v = env.get(key);
    if (v === undefined || v === '') continue;
    used.add(key);
    try {
      setFlagText(parsed, f, v);
    } catch {
      // etcdctl ignores SetPflagsFromEnv's error: the flag keeps its default.
    }
  }
  for (const key of extra) if (env.get(key)) used.add(key);
  const report: EnvReport = { warnings: [] };
  for (const [k, v] of env) {
    if (used.has(k)) continue;
    if (alreadySet.has(k)) {
      report.conflict = `conflicting environment variable ${goQuote(k)} is shadowed by corresponding command-line flag (either unset environment variable or disable flag)`;
      return report;
    }
    if (k.startsWith('ETCDCTL_')) report.warnings.push(`unrecognized environment variable ${k}=${v}`);
  }
  return report;
}

export function globalOptions(parsed: ParsedFlags): GlobalOptions {
  const v = parsed.values;
  return {
    endpoints: v.get('endpoints') as string[],
    writeOut: v.get('write-out') as string,
    hex: v.get('hex') as boolean,
    commandTimeoutMs: v.get('command-timeout') as number,
    dialTimeoutMs: v.get('dial-timeout') as number,
    keepaliveTimeMs: v.get('keepalive-time') as number,
    keepaliveTimeoutMs: v.get('keepalive-timeout') as number,
    debug: v.get('debug') as boolean,
    user: v.get('user') as string,
    password: v.get('password') as string,
  };
}

/** The output formats etcdctl's NewPrinter knows. */
export const OUTPUT_FORMATS = ['simple', 'fields', 'json', 'protobuf', 'table'];

/** A capnslog line as etcdctl's pkg/flags writes it: "2006-01-02 15:04:05.000000 C | pkg/flags: msg". */
export function capnslogLine(virtualMs: number, level: 'C' | 'W' | 'I', pkg: string, msg: string): string {
  // A fixed, made-up wall clock: the virtual time after an arbitrary epoch (never the real clock).
  const d = new Date(1_600_000_000_000 + Math.floor(virtualMs));
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const micros = p(d.getUTCMilliseconds(), 3) + p(Math.floor((virtualMs % 1) * 1000), 3);
  const stamp = `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${micros}`;
  return `${stamp} ${level} | ${pkg}: ${msg}\n`;
}

/** pflag's Value.String() of a flag, as `--debug` lists the settings. */
export function flagValueString(f: FlagSpec, v: unknown): string {
  switch (f.kind) {
    case 'duration':
      return goDurationString(v as number);
    case 'stringSlice':
    case 'stringArray':
      return `[${(v as string[]).join(',')}]`;
    default:
      return String(v);
  }
}

/** The lines `--debug` writes to stderr: every global flag as ETCDCTL_NAME=value. */
export function debugLines(parsed: ParsedFlags, flags: readonly FlagSpec[]): string {
  const sorted = [...flags].sort((a, b) => (a.name < b.name ? -1 : 1));
  return sorted.map((f) => `${envName(f.name)}=${flagValueString(f, parsed.values.get(f.name))}\n`).join('');
}
