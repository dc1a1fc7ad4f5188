// etcd's command line (etcdmain/config.go over Go's flag package): -flag or
// --flag, =value or the next word, bools alone; the first non-flag word stops
// parsing. Flags left unset come from ETCD_<FLAG> variables, as etcd reads them.

/** Every etcd 3.4.23 flag with its default (`etcd --help`); bools default to true/false. */
const FLAGS_TEXT = `name=default data-dir= wal-dir= snapshot-count=100000 heartbeat-interval=100 election-timeout=1000
initial-election-tick-advance=true listen-peer-urls=http://localhost:2380 listen-client-urls=http://localhost:2379
max-snapshots=5 max-wals=5 quota-backend-bytes=0 backend-batch-interval= backend-batch-limit=0 max-txn-ops=128
max-request-bytes=1572864 max-concurrent-streams=4294967295 grpc-keepalive-min-time=5s grpc-keepalive-interval=2h
grpc-keepalive-timeout=20s initial-advertise-peer-urls=http://localhost:2380 initial-cluster=default=http://localhost:2380
initial-cluster-state=new initial-cluster-token=etcd-cluster advertise-client-urls=http://localhost:2379 discovery=
discovery-fallback=proxy discovery-proxy= discovery-srv= discovery-srv-name= strict-reconfig-check=true pre-vote=false
auto-compaction-retention=0 auto-compaction-mode=periodic enable-v2=false cert-file= key-file= client-cert-auth=false
client-crl-file= client-cert-allowed-hostname= trusted-ca-file= auto-tls=false peer-cert-file= peer-key-file=
peer-client-cert-auth=false peer-trusted-ca-file= peer-cert-allowed-cn= peer-cert-allowed-hostname= peer-auto-tls=false
peer-crl-file= cipher-suites= cors=* host-whitelist=* auth-token=simple bcrypt-cost=10 auth-token-ttl=300
enable-pprof=false metrics=basic listen-metrics-urls= logger=capnslog log-outputs=default log-level=info proxy=off
proxy-failure-wait=5000 proxy-refresh-interval=30000 proxy-dial-timeout=1000 proxy-write-timeout=5000
proxy-read-timeout=0 experimental-initial-corrupt-check=false experimental-corrupt-check-time=0s
experimental-enable-v2v3= experimental-backend-bbolt-freelist-type=array experimental-enable-lease-checkpoint=false
experimental-compaction-batch-limit=1000 experimental-peer-skip-client-san-verification=false
experimental-watch-progress-notify-interval=10m experimental-warning-apply-duration=100ms force-new-cluster=false
debug=false log-package-levels= version=false help=false config-file=`;

export const ETCD_FLAGS: ReadonlyMap<string, string> = new Map(
  FLAGS_TEXT.split(/\s+/).map((kv) => {
    const eq = kv.indexOf('=');
    return [kv.slice(0, eq), kv.slice(eq + 1)] as [string, string];
  }),
);

const isBool = (name: string) => {
  const d = ETCD_FLAGS.get(name);
  return d === 'true' || d === 'false';
};

export type EtcdFlags = { values: Map<string, string>; set: Set<string> };

/** Parses argv; an error is what etcd prints (and exits 2 with, or 1 for stray words). */
export function parseEtcdFlags(argv: string[], env: ReadonlyMap<string, string>): EtcdFlags | { error: string; code: number } {
  const values = new Map(ETCD_FLAGS);
  const set = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-') || a === '-') {
      return { error: `etcdmain: error verifying flags, '${a}' is not a valid flag. See 'etcd --help'.`, code: 1 };
    }
    if (a === '--') break;
    const body = a.replace(/^--?/, '');
    const eq = body.indexOf('=');
    let name = eq < 0 ? body : body.slice(0, eq);
    if (name === 'h') name = 'help';
    if (!ETCD_FLAGS.has(name)) return { error: `flag provided but not defined: -${name}`, code: 2 };
    let value: string;
    if (eq >= 0) value = body.slice(eq + 1);
    else if (isBool(name)) value = 'true';
    else if (i + 1 < argv.length) value = argv[++i]!;
    else return { error: `flag needs an argument: -${name}`, code: 2 };
    if (isBool(name) && !/^(1|0|t|f|true|false|TRUE|FALSE|True|False)$/.test(value)) {
      return { error: `invalid boolean value "${value}" for -${name}: parse error`, code: 2 };
    }
    if (name === 'initial-cluster-state' && value !== 'new' && value !== 'existing') {
      return { error: `invalid value "${value}" for flag -initial-cluster-state: invalid value`, code: 2 };
    }
    values.set(name, isBool(name) ? String(/^(1|t|true)$/i.test(value)) : value);
    set.add(name);
  }
  // ETCD_NAME, ETCD_INITIAL_CLUSTER, ... fill what the command line left unset.
  for (const name of ETCD_FLAGS.keys()) {
    const v = env.get('ETCD_' + name.toUpperCase().replace(/-/g, '_'));
    if (v !== undefined && !set.has(name)) {
      values.set(name, v);
      set.add(name);
    }
  }
  return { values, set };
}

/** --initial-cluster "a=http://x:2380,b=http://y:2380" as name -> peer URLs. */
export function parseInitialCluster(s: string): Map<string, string[]> | string {
  const out = new Map<string, string[]>();
  for (const part of s.split(',')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) return `etcdmain: error setting up initial cluster: URL address does not have the form "host:port": ${part}`;
    const name = part.slice(0, eq);
    out.set(name, [...(out.get(name) ?? []), part.slice(eq + 1)]);
  }
  return out;
}

export const urlList = (s: string): string[] => s.split(',').filter((u) => u !== '');

export const sameURLs = (a: string[], b: string[]): boolean => {
  const x = [...a].sort();
  const y = [...b].sort();
  return x.length === y.length && x.every((u, i) => u === y[i]);
};
