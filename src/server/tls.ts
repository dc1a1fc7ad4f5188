// Client TLS as etcd 3.4 sets it up from --cert-file, --key-file,
// --trusted-ca-file and --client-cert-auth: https:// client URLs serve TLS
// (gRPC over ALPN h2 and the HTTP side alike, on the same port), and with
// --client-cert-auth a client must present a certificate the trusted CA
// signed. Bad or missing files fail the start with etcd's messages.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { type SecureContextOptions, type TLSSocket, createServer } from 'node:tls';

export interface ClientTLSFlags {
  certFile: string;
  keyFile: string;
  trustedCAFile: string;
  clientCertAuth: boolean;
}

/** A start-up failure in etcd's words (etcdmain logs it at C and exits 1). */
export class TLSSetupError extends Error {}

/** embed's "ClientTLS: ..." line. */
export function clientTLSInfo(f: ClientTLSFlags): string {
  return `ClientTLS: cert = ${f.certFile}, key = ${f.keyFile}, trusted-ca = ${f.trustedCAFile}, client-cert-auth = ${f.clientCertAuth}, crl-file = `;
}

/** Whether any TLS flag was given (etcd then logs ClientTLS and checks the files). */
export function tlsRequested(f: ClientTLSFlags): boolean {
  return f.certFile !== '' || f.keyFile !== '' || f.trustedCAFile !== '' || f.clientCertAuth;
}

/** Go's os.Open error text. */
function readFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new TLSSetupError(`open ${path}: no such file or directory`);
    if (code === 'EACCES') throw new TLSSetupError(`open ${path}: permission denied`);
    if (code === 'EISDIR') throw new TLSSetupError(`read ${path}: is a directory`);
    throw new TLSSetupError(`open ${path}: ${(e as Error).message}`);
  }
}

const hasPEM = (b: Buffer): boolean => /-----BEGIN [A-Z0-9 ]+-----/.test(b.toString('latin1'));

/** Reads and checks the files as Go's tls.LoadX509KeyPair and etcd's CA pool do. */
export function loadClientTLS(f: ClientTLSFlags): SecureContextOptions & { requestCert: boolean; rejectUnauthorized: boolean } {
  if (f.certFile === '' || f.keyFile === '') {
    throw new TLSSetupError(`KeyFile and CertFile must both be present[key: ${f.keyFile}, cert: ${f.certFile}]`);
  }
  const cert = readFile(f.certFile);
  const key = readFile(f.keyFile);
  if (!hasPEM(cert)) throw new TLSSetupError('tls: failed to find any PEM data in certificate input');
  if (!hasPEM(key)) throw new TLSSetupError('tls: failed to find any PEM data in key input');
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw new TLSSetupError('tls: failed to parse certificate');
  }
  let matches: boolean;
  try {
    matches = x509.checkPrivateKey(createPrivateKey(key));
  } catch {
    throw new TLSSetupError('tls: failed to parse private key');
  }
  if (!matches) throw new TLSSetupError('tls: private key does not match public key');
  let ca: Buffer | undefined;
  if (f.trustedCAFile !== '') {
    ca = readFile(f.trustedCAFile);
    if (!hasPEM(ca)) throw new TLSSetupError(`failed to find any PEM data in ${f.trustedCAFile}`);
  }
  // etcd requires a verified client certificate only under --client-cert-auth.
  const verify = f.clientCertAuth;
  return { cert, key, ca, requestCert: verify, rejectUnauthorized: verify, minVersion: 'TLSv1.2' };
}

/** Go's crypto/tls texts for the handshake failures a client most often causes. */
function goHandshakeError(err: NodeJS.ErrnoException): string {
  const c = err.code ?? '';
  if (c.includes('PEER_DID_NOT_RETURN_A_CERTIFICATE')) return "tls: client didn't provide a certificate";
  if (c.includes('WRONG_VERSION_NUMBER') || c.includes('HTTP_REQUEST') || c.includes('UNKNOWN_PROTOCOL')) {
    return 'tls: first record does not look like a TLS handshake';
  }
  if (c.includes('CERTIFICATE_VERIFY_FAILED')) return "tls: failed to verify client's certificate: x509: certificate signed by unknown authority";
  return err.message;
}

/**
 * The TLS side of an https:// client URL: each accepted TCP connection goes
 * through the handshake, then the decrypted connection to onSecure; a
 * failed handshake is logged like embed's "rejected connection".
 */
export function tlsTerminator(
  opts: ReturnType<typeof loadClientTLS>,
  onSecure: (sock: TLSSocket) => void,
  onReject: (line: string) => void,
): (sock: Socket) => void {
  const server = createServer({
    ...opts,
    // grpc-go offers only h2; curl and browsers offer http/1.1 too and get it, for the HTTP side.
    ALPNCallback: ({ protocols }) => (protocols.includes('http/1.1') ? 'http/1.1' : protocols.includes('h2') ? 'h2' : undefined),
  });
  server.on('secureConnection', onSecure);
  server.on('tlsClientError', (err: NodeJS.ErrnoException, sock: TLSSocket) => {
    const from = `${sock.remoteAddress ?? ''}:${sock.remotePort ?? ''}`;
    const name = (sock as TLSSocket & { servername?: string | false }).servername || '';
    onReject(`rejected connection from "${from}" (error "${goHandshakeError(err)}", ServerName "${name}")`);
  });
  return (sock) => server.emit('connection', sock);
}

/**
 * embed's client TLS set-up over every member's listen URLs: the
 * ClientTLS line when a TLS flag is given, a warning for http:// URLs
 * when certificates are, and the loaded files when any URL is https://
 * (which then needs --cert-file and --key-file).
 */
export function clientTLSFor(
  f: ClientTLSFlags,
  listenURLs: readonly string[],
  log: (level: 'I' | 'W', text: string) => void,
): ReturnType<typeof loadClientTLS> | undefined {
  const secure = listenURLs.filter((u) => u.startsWith('https://'));
  for (const u of secure) {
    if (f.certFile === '' && f.keyFile === '') throw new TLSSetupError(`TLS key/cert (--cert-file, --key-file) must be provided for client url ${u} with HTTPS scheme`);
  }
  if (f.certFile !== '' || f.keyFile !== '') {
    for (const u of listenURLs) {
      if (u.startsWith('http://')) log('W', `The scheme of client url ${u} is HTTP while peer key/cert files are presented. Ignored key/cert files.`);
    }
  }
  if (tlsRequested(f)) log('I', clientTLSInfo(f));
  return secure.length > 0 ? loadClientTLS(f) : undefined;
}
