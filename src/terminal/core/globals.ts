// etcdctl's global flags (the root command's persistent flags) and how their
// values are settled: command line first, else ETCDCTL_* environment
// variables (etcd's pkg/flags.SetPflagsFromEnv), with a fatal error when
// both name the same flag.
import type { FlagSpec, ParsedFlags } from './flags.ts';

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

/**
 * Fills unset global flags from the environment. Returns the fatal message
 * etcdctl prints when a variable and its flag are both set, if they are.
 */
export function applyEnv(parsed: ParsedFlags, flags: readonly FlagSpec[], env: ReadonlyMap<string, string>, convert: (f: FlagSpec, v: string) => void): string | undefined {
  for (const f of flags) {
    const v = env.get(envName(f.name));
    if (v === undefined) continue;
    if (parsed.changed.has(f.name)) {
      return `conflicting environment variable "${envName(f.name)}" is shadowed by corresponding command-line flag (either unset environment variable or disable flag)`;
    }
    convert(f, v);
  }
  return undefined;
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
