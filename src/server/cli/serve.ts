// serve [etcd flags] [--nodes N] [--seed N]
// Runs a simulated etcd 3.4 cluster in real time and serves etcd's gRPC API
// on each member's client URLs, so the real etcdctl (or any clientv3
// program) can use it. Logs go to stderr in etcd 3.4's default format.
// SIGINT/SIGTERM close the listeners and exit 0. Flags: see ../flags.ts.
import { FlagError, serveConfig } from '../flags.ts';
import { importConfig } from '../import.ts';
import { EtcdLogger } from '../log.ts';
import { logStartup, serve } from '../serve.ts';
import { type ControlSocket, listenControl } from '../control/socket.ts';
import { tuneJit } from '../jit.ts';

const USAGE = `usage: serve [flags]

Runs a simulated etcd 3.4 cluster in real time behind etcd's gRPC API, with
the JSON gateway (/v3/...), /health, /version and /metrics on the same ports.

  --name NAME                        member name of a one-member cluster (default "default")
  --nodes N                          members in the cluster, 1..7 (default 1; names etcd0, etcd1, ...)
  --initial-cluster NAME=URL,...     the members by name and peer URL (decides member IDs, as in etcd)
  --initial-cluster-token TOKEN      (default "etcd-cluster")
  --initial-advertise-peer-urls URL  a one-member cluster's peer URL (default http://localhost:2380)
  --listen-client-urls URLS          where members serve clients (default http://localhost:2379);
                                     several members: one URL each, or one URL whose port counts up
  --advertise-client-urls URLS       what members publish (required with --listen-client-urls for one member)
  --cert-file FILE                   client TLS certificate (https:// client URLs need it)
  --key-file FILE                    client TLS key
  --trusted-ca-file FILE             CA that signs client certificates (with --client-cert-auth)
  --client-cert-auth                 refuse clients without a certificate the trusted CA signed
  --heartbeat-interval MS            (default 100)
  --election-timeout MS              (default 1000)
  --snapshot-count N                 (default 100000)
  --pre-vote                         enable raft pre-vote (off by default in etcd 3.4)
  --max-request-bytes N              (default 1572864)
  --quota-backend-bytes N            (default 2 GiB)
  --seed N                           seed of the simulation (default random)
  --data-dir DIR                     where members keep their WAL and snapshots (default NAME.etcd;
                                     several members: DIR/NAME.etcd); an existing one is restarted from
  --import FILE                      serve the cluster of a playground file (the page's export, or
                                     etcd-playground export's); its disks are written to --data-dir first
  --control-socket PATH              a unix socket taking member commands: kill, stop, restart, start-new,
                                     make-leader NAME; ready, uptime, members (one per line; answers ok/error)
`;

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h') || argv.includes('-help')) {
    process.stdout.write(USAGE);
    return 0;
  }
  tuneJit();
  const early = new EtcdLogger();
  let cfg;
  try {
    cfg = serveConfig(argv);
    if (cfg.importFile !== undefined) cfg = importConfig(cfg, cfg.importFile);
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    if (e.exitCode === 2) process.stderr.write(`${e.message}\n${USAGE}`);
    else early.log('E', 'etcdmain', e.message);
    return e.exitCode;
  }
  const logger = new EtcdLogger(undefined, cfg.members.length > 1);
  logStartup(cfg, logger);
  if (cfg.imported) {
    const { file, name, image } = cfg.imported;
    logger.log('I', 'etcdmain', `importing playground "${name}" from ${file}: ${image.nodes.length} member disk(s) at virtual time ${image.now} ms`);
  }
  let served;
  try {
    served = await serve(cfg, logger);
  } catch (e) {
    // etcd: "listen tcp 127.0.0.1:2379: bind: address already in use".
    early.log('C', 'etcdmain', e instanceof Error ? e.message : String(e));
    return 1;
  }
  const s = served;
  let control: ControlSocket | undefined;
  if (cfg.controlSocket !== undefined) {
    try {
      control = await listenControl(cfg.controlSocket, s);
    } catch (e) {
      early.log('C', 'etcdmain', e instanceof Error ? e.message : String(e));
      await s.close();
      return 1;
    }
  }
  return new Promise<number>((resolve) => {
    let closing = false;
    const shutdown = (what: string): void => {
      if (closing) return;
      closing = true;
      early.log('N', 'pkg/osutil', `received ${what} signal, shutting down...`);
      control?.close();
      s.close().then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    process.on('SIGINT', () => shutdown('interrupt'));
    process.on('SIGTERM', () => shutdown('terminated'));
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
