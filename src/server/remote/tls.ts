// etcdctl's transport security, read the way etcdctl reads it: --cacert,
// --cert, --key and --insecure-skip-tls-verify (or their ETCDCTL_*
// variables). Certificates mean TLS to every endpoint, as etcdctl dials
// with them whatever the endpoints' scheme; https:// means TLS with the
// system's roots. A file that cannot be read is etcdctl's error.
import { readFileSync } from 'node:fs';
import { type ChannelCredentials, credentials } from '@grpc/grpc-js';

export interface ClientTLS {
  cacert: string;
  cert: string;
  key: string;
  skipVerify: boolean;
}

/** A global flag's value from argv (`--name=v` or `--name v`), else the ETCDCTL_* variable, else ''. */
function flag(argv: readonly string[], env: ReadonlyMap<string, string>, name: string): string {
  let v: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a.startsWith(`--${name}=`)) v = a.slice(name.length + 3);
    else if (a === `--${name}`) v = name === 'insecure-skip-tls-verify' ? 'true' : argv[++i];
  }
  return v ?? env.get(`ETCDCTL_${name.toUpperCase().replace(/-/g, '_')}`) ?? '';
}

export function clientTLSOf(argv: readonly string[], env: ReadonlyMap<string, string>): ClientTLS {
  return {
    cacert: flag(argv, env, 'cacert'),
    cert: flag(argv, env, 'cert'),
    key: flag(argv, env, 'key'),
    skipVerify: flag(argv, env, 'insecure-skip-tls-verify') === 'true',
  };
}

/** The channel credentials for an endpoint, given whether its URL asks for TLS. */
export function channelCredentials(tls: ClientTLS | undefined, secureURL: boolean): ChannelCredentials {
  const files = tls !== undefined && (tls.cacert !== '' || tls.cert !== '' || tls.key !== '');
  if (!files && !secureURL) return credentials.createInsecure();
  const read = (p: string): Buffer | null => (p === '' ? null : readFileSync(p));
  return credentials.createSsl(
    read(tls?.cacert ?? ''),
    read(tls?.key ?? ''),
    read(tls?.cert ?? ''),
    tls?.skipVerify ? { checkServerIdentity: () => undefined, rejectUnauthorized: false } : {},
  );
}
