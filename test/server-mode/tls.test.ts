// Client TLS: https:// client URLs with --cert-file/--key-file, and
// --client-cert-auth with --trusted-ca-file. The real etcdctl speaks gRPC
// over TLS with its client certificate; a client without one (or with one
// another CA signed) is refused at the handshake; the gateway and /health
// answer over https on the same port; bad files stop the start with etcd's
// messages. Certificates come from openssl, made fresh for the run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Running, ctl, freePort, runServe, startServer, tempDir, waitFor } from './harness.ts';

const OPENSSL = process.env.OPENSSL ?? '/usr/bin/openssl';
const BIN = fileURLToPath(new URL('../../src/server/bin/etcd-playground.mjs', import.meta.url));

function openssl(dir: string, args: string[]): void {
  execFileSync(OPENSSL, args, { cwd: dir, stdio: 'ignore' });
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate; and a second CA with its own client. */
function makeCertificates(dir: string): void {
  if (!existsSync(OPENSSL)) throw new Error(`TLS tests need openssl at ${OPENSSL} (apt-get install openssl, or set OPENSSL)`);
  const ca = (name: string): void => openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', `/CN=${name}`]);
  const leaf = (name: string, caName: string, ext: string): void => {
    writeFileSync(join(dir, `${name}.ext`), ext);
    openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
    openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${caName}.crt`, '-CAkey', `${caName}.key`, '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`]);
  };
  ca('ca');
  ca('other-ca');
  leaf('server', 'ca', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
  leaf('client', 'ca', 'extendedKeyUsage=clientAuth\n');
  leaf('stranger', 'other-ca', 'extendedKeyUsage=clientAuth\n');
}

interface HttpsAnswer {
  status: number;
  body: string;
}

function httpsPost(ep: string, path: string, body: string | undefined, tls: { ca: Buffer; cert?: Buffer; key?: Buffer }): Promise<HttpsAnswer> {
  const [host, port] = ep.split(':');
  return new Promise((resolve, reject) => {
    const req = request({ host, port: Number(port), path, method: body === undefined ? 'GET' : 'POST', ...tls }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('serve: client TLS', () => {
  const certs = tempDir('serve-tls-');
  const file = (name: string): string => join(certs.path, name);
  const read = (name: string): Buffer => readFileSync(file(name));
  let server: Running;
  let EP = '';

  beforeAll(async () => {
    makeCertificates(certs.path);
    EP = `127.0.0.1:${await freePort()}`;
    server = await startServer([
      '--listen-client-urls',
      `https://${EP}`,
      '--advertise-client-urls',
      `https://${EP}`,
      '--cert-file',
      file('server.crt'),
      '--key-file',
      file('server.key'),
      '--trusted-ca-file',
      file('ca.crt'),
      '--client-cert-auth',
    ]);
  });
  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
    certs.remove();
  });

  const withClientCert = (): string[] => ['--cacert', file('ca.crt'), '--cert', file('client.crt'), '--key', file('client.key')];

  it('logs the TLS set-up and serves client requests securely', () => {
    expect(server.log()).toContain(
      `I | embed: ClientTLS: cert = ${file('server.crt')}, key = ${file('server.key')}, trusted-ca = ${file('ca.crt')}, client-cert-auth = true, crl-file = `,
    );
    expect(server.log()).toContain(`I | embed: serving client requests on ${EP}`);
    expect(server.log()).not.toContain('serving insecure client requests');
  });

  it('serves etcdctl over TLS with its client certificate', async () => {
    expect(await ctl(`https://${EP}`, [...withClientCert(), 'put', 'secure', 'yes'])).toMatchObject({ out: 'OK\n', code: 0 });
    expect(await ctl(`https://${EP}`, [...withClientCert(), 'get', 'secure', '--print-value-only'])).toMatchObject({ out: 'yes\n', code: 0 });
    const status = await ctl(`https://${EP}`, [...withClientCert(), 'endpoint', 'status']);
    expect(status.code).toBe(0);
    expect(status.out).toContain(`https://${EP}, `);
  });

  it("serves the playground's own etcdctl over TLS with its client certificate", async () => {
    const emu = (args: string[]) => spawnSync(process.execPath, [BIN, 'etcdctl', `--endpoints=https://${EP}`, ...args], { encoding: 'utf8', timeout: 60_000 });
    expect(emu([...withClientCert(), 'get', 'secure', '--print-value-only'])).toMatchObject({ stdout: 'yes\n', status: 0 });
    const noCert = emu(['--cacert', file('ca.crt'), '--dial-timeout', '2s', '--command-timeout', '3s', 'get', 'secure']);
    expect(noCert.status).not.toBe(0);
    expect(noCert.stdout).toBe('');
    expect(emu(['--cacert', file('missing.crt'), 'get', 'secure'])).toMatchObject({ stderr: `Error: open ${file('missing.crt')}: no such file or directory\n`, status: 128 });
  });

  it('refuses a client without a certificate, or with one another CA signed', async () => {
    const noCert = await ctl(`https://${EP}`, ['--cacert', file('ca.crt'), '--dial-timeout', '2s', '--command-timeout', '3s', 'get', 'secure']);
    expect(noCert.code).not.toBe(0);
    expect(noCert.out).toBe('');
    await waitFor(() => server.log().includes(`(error "tls: client didn't provide a certificate", ServerName "")`), 5000, 'the rejected connection line');
    expect(server.log()).toMatch(/I \| embed: rejected connection from "127\.0\.0\.1:\d+" \(error "tls: client didn't provide a certificate"/);

    const stranger = await ctl(`https://${EP}`, ['--cacert', file('ca.crt'), '--cert', file('stranger.crt'), '--key', file('stranger.key'), '--dial-timeout', '2s', '--command-timeout', '3s', 'get', 'secure']);
    expect(stranger.code).not.toBe(0);
    expect(stranger.out).toBe('');

    // Plain HTTP/2 (gRPC without TLS) does not get through either.
    const plain = await ctl(EP, ['--dial-timeout', '2s', '--command-timeout', '3s', 'get', 'secure']);
    expect(plain.code).not.toBe(0);
  });

  it('serves the gateway and /health over https on the same port', async () => {
    const tls = { ca: read('ca.crt'), cert: read('client.crt'), key: read('client.key') };
    const got = await httpsPost(EP, '/v3/kv/range', JSON.stringify({ key: Buffer.from('secure').toString('base64') }), tls);
    expect(got.status).toBe(200);
    const kv = (JSON.parse(got.body) as { kvs: { value: string }[] }).kvs[0]!;
    expect(Buffer.from(kv.value, 'base64').toString()).toBe('yes');
    expect(await httpsPost(EP, '/health', undefined, tls)).toEqual({ status: 200, body: '{"health":"true"}' });
    await expect(httpsPost(EP, '/health', undefined, { ca: read('ca.crt') })).rejects.toThrow();
  });
});

describe('serve: client TLS set-up errors', () => {
  const certs = tempDir('serve-tls-bad-');
  const file = (name: string): string => join(certs.path, name);
  beforeAll(() => makeCertificates(certs.path));
  afterAll(() => certs.remove());

  const run = async (url: string, flags: string[]): Promise<{ code: number | null; err: string }> =>
    runServe(['--listen-client-urls', url, '--advertise-client-urls', url, ...flags]);

  it('stops with etcd messages for missing, unreadable or mismatched files', async () => {
    const url = `https://127.0.0.1:${await freePort()}`;
    const cases: [string[], string][] = [
      [[], `C | etcdmain: TLS key/cert (--cert-file, --key-file) must be provided for client url ${url} with HTTPS scheme`],
      [['--cert-file', '/nonexistent.crt', '--key-file', file('server.key')], 'C | etcdmain: open /nonexistent.crt: no such file or directory'],
      [['--cert-file', file('server.crt')], `C | etcdmain: KeyFile and CertFile must both be present[key: , cert: ${file('server.crt')}]`],
      [['--cert-file', file('server.ext'), '--key-file', file('server.key')], 'C | etcdmain: tls: failed to find any PEM data in certificate input'],
      [['--cert-file', file('server.crt'), '--key-file', file('client.key')], 'C | etcdmain: tls: private key does not match public key'],
      [['--cert-file', file('server.crt'), '--key-file', file('server.key'), '--trusted-ca-file', '/nonexistent.ca'], 'C | etcdmain: open /nonexistent.ca: no such file or directory'],
    ];
    // One at a time: each is a whole Node start, and side by side they starve each other on a busy machine.
    for (const [flags, line] of cases) {
      const r = await run(url, flags);
      expect({ flags, code: r.code, has: r.err.includes(line) }).toEqual({ flags, code: 1, has: true });
    }
  }, 180_000);

  it('warns that certificates are ignored on an http:// URL', async () => {
    const ep = `127.0.0.1:${await freePort()}`;
    const s = await startServer(['--listen-client-urls', `http://${ep}`, '--advertise-client-urls', `http://${ep}`, '--cert-file', file('server.crt'), '--key-file', file('server.key')]);
    try {
      expect(s.log()).toContain(`W | embed: The scheme of client url http://${ep} is HTTP while peer key/cert files are presented. Ignored key/cert files.`);
      expect(s.log()).toContain(`serving insecure client requests on ${ep}`);
      expect(await ctl(ep, ['put', 'plain', 'ok'])).toMatchObject({ out: 'OK\n', code: 0 });
    } finally {
      expect(await s.stop()).toBe(0);
    }
  });
});
