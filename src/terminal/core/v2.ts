// ETCDCTL_API=2: etcdctl's v2 tool (urfave/cli), which this playground's
// cluster cannot serve (etcd 3.4 runs without the v2 API). What it prints:
// its help, its version, its flag and topic errors, the URL error for an
// endpoint without a scheme, and the answers a v2 client gets from a
// server whose /v2 endpoints are missing.
import { CommandExit, type OutputStream } from './io.ts';
import { ETCDCTL_VERSION } from './help.ts';

const HELP = `NAME:
   etcdctl - A simple command line client for etcd.

USAGE:
   etcdctl [global options] command [command options] [arguments...]

VERSION:
   3.4.23

COMMANDS:
   backup          backup an etcd directory
   cluster-health  check the health of the etcd cluster
   mk              make a new key with a given value
   mkdir           make a new directory
   rm              remove a key or a directory
   rmdir           removes the key if it is an empty directory or a key-value pair
   get             retrieve the value of a key
   ls              retrieve a directory
   set             set the value of a key
   setdir          create a new directory or update an existing directory TTL
   update          update an existing key with a given value
   updatedir       update an existing directory
   watch           watch a key for changes
   exec-watch      watch a key for changes and exec an executable
   member          member add, remove and list subcommands
   user            user add, grant and revoke subcommands
   role            role add, grant and revoke subcommands
   auth            overall auth controls
   help, h         Shows a list of commands or help for one command

GLOBAL OPTIONS:
   --debug                          output cURL commands which can be used to reproduce the request
   --no-sync                        don't synchronize cluster information before sending request
   --output simple, -o simple       output response in the given format (simple, \`extended\` or \`json\`) (default: "simple")
   --discovery-srv value, -D value  domain name to query for SRV records describing cluster endpoints
   --insecure-discovery             accept insecure SRV records describing cluster endpoints
   --peers value, -C value          DEPRECATED - "--endpoints" should be used instead
   --endpoint value                 DEPRECATED - "--endpoints" should be used instead
   --endpoints value                a comma-delimited list of machine addresses in the cluster (default: "http://127.0.0.1:2379,http://127.0.0.1:4001")
   --cert-file value                identify HTTPS client using this SSL certificate file
   --key-file value                 identify HTTPS client using this SSL key file
   --ca-file value                  verify certificates of HTTPS-enabled servers using this CA bundle
   --username value, -u value       provide username[:password] and prompt if password is not supplied.
   --timeout value                  connection timeout per request (default: 2s)
   --total-timeout value            timeout for the command execution (except watch) (default: 5s)
   --help, -h                       show help
   --version, -v                    print the version
`;

const BOOL_FLAGS = new Set(['debug', 'no-sync', 'insecure-discovery', 'help', 'h', 'version', 'v']);
const VALUE_FLAGS = new Set(['output', 'o', 'discovery-srv', 'D', 'peers', 'C', 'endpoint', 'endpoints', 'cert-file', 'key-file', 'ca-file', 'username', 'u', 'timeout', 'total-timeout']);
const KV_COMMANDS = ['mk', 'mkdir', 'rm', 'rmdir', 'get', 'ls', 'set', 'setdir', 'update', 'updatedir', 'watch', 'exec-watch'];
const COMMANDS = ['backup', 'cluster-health', ...KV_COMMANDS, 'member', 'user', 'role', 'auth', 'help', 'h'];
/** Commands that need a key argument first. */
const NEEDS_KEY = new Set(['mk', 'mkdir', 'rm', 'rmdir', 'get', 'set', 'setdir', 'update', 'updatedir', 'watch', 'exec-watch']);

interface V2Invocation {
  argv: readonly string[];
  env: ReadonlyMap<string, string>;
  stdout: OutputStream;
  stderr: OutputStream;
}

function exit(code: number): never {
  throw new CommandExit(code);
}

/** Runs `etcdctl argv` as the v2 tool would against this cluster. */
export function runV2(inv: V2Invocation): Promise<void> {
  const { stdout, stderr } = inv;
  const args = [...inv.argv];
  let endpoints = inv.env.get('ETCDCTL_ENDPOINTS') ?? 'http://127.0.0.1:2379,http://127.0.0.1:4001';
  // Go's flag package: global flags until the first non-flag word.
  while (args.length > 0 && args[0]!.startsWith('-') && args[0] !== '-') {
    const a = args.shift()!;
    if (a === '--') break;
    const body = a.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    if (BOOL_FLAGS.has(name)) {
      if (name === 'h' || name === 'help') return Promise.resolve(stdout.write(HELP));
      if (name === 'v' || name === 'version') return Promise.resolve(stdout.write(`etcdctl version: ${ETCDCTL_VERSION}\nAPI version: 2\n`));
      continue;
    }
    if (!VALUE_FLAGS.has(name)) {
      stdout.write(`Incorrect Usage. flag provided but not defined: -${name}\n\n${HELP}`);
      stderr.write(`flag provided but not defined: -${name}\n`);
      exit(1);
    }
    const value = eq >= 0 ? body.slice(eq + 1) : args.shift();
    if (value === undefined) {
      stdout.write(`Incorrect Usage. flag needs an argument: -${name}\n\n${HELP}`);
      stderr.write(`flag needs an argument: -${name}\n`);
      exit(1);
    }
    if (name === 'endpoints' || name === 'endpoint' || name === 'peers' || name === 'C') endpoints = value;
  }
  const cmd = args.shift();
  if (cmd === undefined || cmd === 'help' || cmd === 'h') return Promise.resolve(stdout.write(HELP));
  if (!COMMANDS.includes(cmd)) {
    stderr.write(`No help topic for '${cmd}'\n`);
    exit(3);
  }
  for (const ep of endpoints.split(',')) {
    if (!ep.includes('://') && /^[^/]*:/.test(ep)) {
      stderr.write(`parse ${JSON.stringify(ep)}: first path segment in URL cannot contain colon\n`);
      exit(1);
    }
  }
  if (NEEDS_KEY.has(cmd) && (args.length === 0 || args[0]!.startsWith('-'))) {
    stderr.write('Error:  key required\n');
    exit(1);
  }
  if (cmd === 'backup') {
    stderr.write('open member/wal: no such file or directory\n');
    exit(1);
  }
  // A 3.4 server without --enable-v2 answers 404 (text, not JSON) on /v2.
  if (cmd === 'member') {
    stderr.write('unexpected status code 404\n');
    exit(1);
  }
  if (cmd === 'cluster-health') {
    stdout.write('cluster may be unhealthy: failed to list members\n');
    stderr.write('Error:  unexpected status code 404\n');
    exit(4);
  }
  if (cmd === 'user' || cmd === 'role' || cmd === 'auth') {
    stderr.write("invalid character 'p' after top-level value\n");
    exit(1);
  }
  stderr.write('Error:  client: response is invalid json. The endpoint is probably not valid etcd cluster endpoint\n');
  return exit(4);
}
