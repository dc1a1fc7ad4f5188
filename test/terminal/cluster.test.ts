// The cluster and maintenance commands (member, endpoint, move-leader, defrag,
// alarm, snapshot, check) on the corpus's simulated 3-member cluster.
import { beforeAll, describe, expect, it } from 'vitest';
import { etcdctlRoot } from '../../src/terminal/commands/root.ts';
import { readRestoredDataDir } from '../../src/terminal/commands/cluster/index.ts';
import { humanizeBytes, parseHexId } from '../../src/terminal/commands/cluster/common.ts';
import { goDurationString as goDuration } from '../../src/terminal/core/goparse.ts';
import { checkURLs } from '../../src/terminal/commands/cluster/member.ts';
import { CorpusCluster, clientURL, peerURL } from '../../src/terminal/corpus/ctl.ts';
import { BufferOutput } from '../../src/terminal/core/io.ts';
import { Session } from '../../src/terminal/core/session.ts';

const EP = [0, 1, 2].map(clientURL);
const ETCD0 = '2e1259d415f2a040';
const ETCD1 = 'bdae9bbc11dd390d';
const ETCD2 = '2943212f5e2cf73';
const CID = 'a351bc39333a7740';
const dec = (hex: string): string => BigInt('0x' + hex).toString();
const text = (b: BufferOutput): string => new TextDecoder().decode(b.bytes());

interface Result {
  out: string;
  err: string;
  code: number | string;
}

let cc: CorpusCluster;
let session: Session;

/** Runs etcdctl with --endpoints=etcd0 unless the command names endpoints, after 20 ms of virtual time. */
async function run(...argv: string[]): Promise<Result> {
  await cc.world.advance(20);
  const args = argv.some((a) => a.startsWith('--endpoints')) ? argv : [...argv, `--endpoints=${EP[0]}`];
  const out = new BufferOutput();
  const err = new BufferOutput();
  const p = session.etcdctl(args, { stdout: out, stderr: err });
  await cc.world.runUntil(() => !p.running, cc.world.now() + 120_000);
  const end = p.end!;
  return { out: text(out), err: text(err), code: 'code' in end ? end.code : end.signal };
}

beforeAll(async () => {
  cc = await CorpusCluster.start(3, 1);
  session = new Session(cc.world, etcdctlRoot());
  session.cwd = '/tmp/work';
  cc.world.fs.mkdir('/tmp/work');
});

describe('helpers', () => {
  it('parse member IDs like strconv.ParseUint(s, 16, 64)', () => {
    expect(parseHexId('00AbC')).toEqual({ id: 'abc' });
    expect(parseHexId('zz')).toEqual({ err: 'strconv.ParseUint: parsing "zz": invalid syntax' });
    expect(parseHexId('1ffffffffffffffff')).toEqual({ err: 'strconv.ParseUint: parsing "1ffffffffffffffff": value out of range' });
  });

  it('formats sizes and durations the Go way', () => {
    expect(humanizeBytes(5)).toBe('5 B');
    expect(humanizeBytes(20480)).toBe('20 kB');
    expect(humanizeBytes(327680)).toBe('328 kB');
    expect(humanizeBytes(1500)).toBe('1.5 kB');
    expect(goDuration(1.565564)).toBe('1.565564ms');
    expect(goDuration(60_000)).toBe('1m0s');
    expect(goDuration(0.5)).toBe('500µs');
  });

  it('checks peer URLs as types.NewURLs does', () => {
    expect(checkURLs(['http://127.0.0.1:2380'])).toBeUndefined();
    expect(checkURLs(['not-a-url'])).toBe('URL scheme must be http, https, unix, or unixs: not-a-url');
    expect(checkURLs(['http://127.0.0.1'])).toBe('URL address does not have the form "host:port": http://127.0.0.1');
    expect(checkURLs(['http://127.0.0.1:1/x'])).toBe('URL must not contain a path: http://127.0.0.1:1/x');
  });
});

describe('member', () => {
  it('lists members by ID in every format', async () => {
    const simple = await run('member', 'list');
    expect(simple.out).toBe(
      `${ETCD2}, started, etcd2, ${peerURL(2)}, ${EP[2]}, false\n` +
        `${ETCD0}, started, etcd0, ${peerURL(0)}, ${EP[0]}, false\n` +
        `${ETCD1}, started, etcd1, ${peerURL(1)}, ${EP[1]}, false\n`,
    );
    const json = await run('member', 'list', '-w', 'json');
    expect(json.out).toMatch(new RegExp(`^\\{"header":\\{"cluster_id":${dec(CID)},"member_id":${dec(ETCD0)},"raft_term":\\d+\\},"members":\\[\\{"ID":${dec(ETCD2)},"name":"etcd2"`));
    const fields = await run('member', 'list', '-w', 'fields');
    expect(fields.out).toContain(`"Revision" : 0\n`);
    expect(fields.out).toContain(`"ID" : ${dec(ETCD2)}\n"Name" : "etcd2"\n"PeerURL" : "${peerURL(2)}"\n"ClientURL" : "${EP[2]}"\n"IsLearner" : false\n\n`);
    const table = await run('member', 'list', '-w', 'table');
    expect(table.out.split('\n')[1]).toBe('|        ID        | STATUS  | NAME  |       PEER ADDRS       |      CLIENT ADDRS      | IS LEARNER |');
    expect((await run('member', 'list', '-w', 'yaml')).err).toBe('Error: unsupported output format\n');
  });

  it('refuses bad arguments with etcdctl words and codes', async () => {
    expect(await run('member', 'add')).toEqual({ out: '', err: 'Error: member name not provided\n', code: 128 });
    expect(await run('member', 'add', 'x')).toEqual({ out: '', err: 'Error: member peer urls not provided\n', code: 128 });
    expect((await run('member', 'add', 'x', 'http://a:1')).err).toBe('Error: too many arguments, did you mean --peer-urls=http://a:1\n');
    expect(await run('member', 'add', 'x', '--peer-urls=foo')).toEqual({ out: '', err: 'Error: URL scheme must be http, https, unix, or unixs: foo\n', code: 1 });
    expect(await run('member', 'remove', 'zz')).toEqual({
      out: '',
      err: 'Error: bad member ID arg (strconv.ParseUint: parsing "zz": invalid syntax), expecting ID in Hex\n',
      code: 128,
    });
    expect(await run('member', 'update', '1234')).toEqual({ out: '', err: 'Error: member peer urls not provided\n', code: 128 });
    expect(await run('member', 'promote')).toEqual({ out: '', err: 'Error: member ID is not provided\n', code: 128 });
    expect(await run('member', 'remove', '1234')).toEqual({ out: '', err: 'Error: etcdserver: member not found\n', code: 1 });
    expect((await run('member', 'add', 'dup', `--peer-urls=${peerURL(1)}`)).err).toBe('Error: etcdserver: Peer URLs already exists\n');
  });

  it('adds, updates and removes a member', async () => {
    const add = await run('member', 'add', 'etcd3', '--learner', `--peer-urls=${peerURL(3)}`);
    expect(add.code).toBe(0);
    const m = /^Member ([ 0-9a-f]{16}) added to cluster a351bc39333a7740\n\n/.exec(add.out);
    expect(m).not.toBeNull();
    const id = m![1]!.trim();
    expect(add.out).toContain('ETCD_NAME="etcd3"\n');
    expect(add.out).toContain(`ETCD_INITIAL_ADVERTISE_PEER_URLS="${peerURL(3)}"\nETCD_INITIAL_CLUSTER_STATE="existing"\n`);
    expect(add.out).toMatch(/ETCD_INITIAL_CLUSTER=".*etcd3=http:\/\/127\.0\.0\.1:23803.*"/);
    expect((await run('member', 'list')).out.split('\n')).toHaveLength(5);
    const upd = await run('member', 'update', id, `--peer-urls=${peerURL(4)}`);
    expect(upd.out).toBe(`Member ${id.padStart(16)} updated in cluster ${CID}\n`);
    expect((await run('member', 'update', id, `--peer-urls=${peerURL(4)}`, '-w', 'fields')).err).toBe('Error: fields not supported as output format\n');
    const rm = await run('member', 'remove', id, '-w', 'json');
    expect(rm.out).toMatch(/^\{"header":\{.*\},"members":\[/);
    expect((await run('member', 'list')).out.split('\n')).toHaveLength(4);
  });
});

describe('endpoint', () => {
  it('prints status and hashkv in every format', async () => {
    const st = await run('endpoint', 'status', `--endpoints=${EP.join(',')}`);
    const rows = st.out.trimEnd().split('\n');
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(new RegExp(`^${EP[0]}, ${ETCD0}, 3\\.4\\.23, \\d+(\\.\\d)? k?B, true, false, \\d+, \\d+, \\d+, $`));
    expect(rows[1]).toContain(', false, false, ');
    expect((await run('endpoint', 'status', '-w', 'json')).out).toMatch(new RegExp(`^\\[\\{"Endpoint":"${EP[0]}","Status":\\{"header":\\{"cluster_id":${dec(CID)}`));
    expect((await run('endpoint', 'status', '-w', 'fields')).out).toMatch(/"Errors" : \[\]\n"Endpoint" : "http:\/\/127\.0\.0\.1:23790"\n\n$/);
    expect(await run('endpoint', 'status', '-w', 'protobuf')).toMatchObject({ err: 'Error: protobuf not supported as output format\n', code: 4 });
    const hk = await run('endpoint', 'hashkv', '--cluster');
    const hashes = hk.out.trimEnd().split('\n').map((l) => l.split(', ')[1]);
    expect(hashes).toHaveLength(3);
    expect(new Set(hashes).size).toBe(1);
    expect((await run('endpoint', 'hashkv', '--rev=100')).err).toBe(
      `Failed to get the hash of endpoint ${EP[0]} (etcdserver: mvcc: required revision is a future revision)\nError: etcdserver: mvcc: required revision is a future revision\n`,
    );
  });

  it('writes simple health to stderr and the rest to stdout', async () => {
    const h = await run('endpoint', 'health');
    expect(h.out).toBe('');
    expect(h.err).toMatch(new RegExp(`^${EP[0]} is healthy: successfully committed proposal: took = [0-9.]+(ms|µs|s)\n$`));
    expect((await run('endpoint', 'health', '-w', 'json')).out).toMatch(/^\[\{"endpoint":"http:\/\/127\.0\.0\.1:23790","health":true,"took":"[^"]+"\}\]\n$/);
    expect((await run('endpoint', 'health', '-w', 'table')).out.split('\n')[1]).toMatch(/^\| +ENDPOINT +\| HEALTH \| +TOOK +\| ERROR \|$/);
  });

  it('reports a dead member as unhealthy', async () => {
    await cc.kill('etcd2');
    const h = await run('endpoint', 'health', `--endpoints=${EP.join(',')}`, '--command-timeout=1s');
    expect(h.code).toBe(1);
    expect(h.err).toContain(`${EP[2]} is unhealthy: failed to commit proposal: context deadline exceeded\n`);
    expect(h.err.endsWith('Error: unhealthy cluster\n')).toBe(true);
    const st = await run('endpoint', 'status', `--endpoints=${EP[2]}`, '--command-timeout=1s', '-w', 'table');
    expect(st.code).toBe(1);
    expect(st.err).toBe(`Failed to get the status of endpoint ${EP[2]} (context deadline exceeded)\n`);
    expect(st.out.split('\n')).toHaveLength(5);
    await cc.restart('etcd2');
  });
});

describe('maintenance', () => {
  it('defragments one, many or all members', async () => {
    expect((await run('defrag')).out).toBe(`Finished defragmenting etcd member[${EP[0]}]\n`);
    expect((await run('defrag', '--cluster')).out).toBe(`Finished defragmenting etcd member[${EP[2]}]\nFinished defragmenting etcd member[${EP[0]}]\nFinished defragmenting etcd member[${EP[1]}]\n`);
    const dd = await run('defrag', '--data-dir=/nope');
    expect(dd.code).toBe(2);
    expect(dd.err).toContain('panic: cannot open database at /nope/member/snap/db (open /nope/member/snap/db: no such file or directory)\n');
  });

  it('lists and disarms alarms; fields output panics', async () => {
    expect(await run('alarm', 'list')).toEqual({ out: '', err: '', code: 0 });
    expect((await run('alarm', 'list', '-w', 'json')).out).toBe('{}\n');
    expect((await run('alarm', 'disarm', '-w', 'json')).out).toBe('{}\n');
    const f = await run('alarm', 'list', '-w', 'fields');
    expect(f.code).toBe(2);
    expect(f.err.split('\n')[0]).toBe('panic: runtime error: invalid memory address or nil pointer dereference');
    expect(await run('alarm', 'list', '-w', 'table')).toMatchObject({ err: 'Error: table not supported as output format\n', code: 4 });
    expect(await run('alarm', 'list', 'x')).toMatchObject({ err: 'Error: alarm list command accepts no arguments\n', code: 128 });
  });

  it('moves leadership only through the leader', async () => {
    expect(await run('move-leader', 'zz')).toMatchObject({ err: 'Error: strconv.ParseUint: parsing "zz": invalid syntax\n', code: 128 });
    expect(await run('move-leader')).toMatchObject({ err: 'Error: move-leader command needs 1 argument\n', code: 128 });
    expect(await run('move-leader', ETCD2, `--endpoints=${EP[1]}`)).toMatchObject({ err: `Error: no leader endpoint given at [${EP[1]}]\n`, code: 128 });
    expect((await run('move-leader', ETCD1, `--endpoints=${EP.join(',')}`)).out).toBe(`Leadership transferred from ${ETCD0} to ${ETCD1}\n`);
    expect((await run('move-leader', '1234', `--endpoints=${EP.join(',')}`)).err).toBe('Error: etcdserver: bad leader transferee\n');
    expect((await run('move-leader', ETCD0, `--endpoints=${EP.join(',')}`, '-w', 'json')).out).toBe('{}\n');
    await cc.world.advance(1000);
    expect(cc.etcd.cluster.leader()?.id).toBe(ETCD0);
  });

  it('rejects unknown check loads', async () => {
    expect(await run('check', 'perf', '--load=bogus')).toMatchObject({ err: 'Error: unknown load option bogus\n', code: 4 });
    expect(await run('check', 'datascale', '--load=x')).toMatchObject({ err: 'Error: unknown load option x\n', code: 4 });
  });
});

describe('snapshot', () => {
  it('saves, inspects and restores through the virtual file system', async () => {
    const save = await run('snapshot', 'save', 'snap.db');
    expect(save.out).toBe('Snapshot saved at snap.db\n');
    expect(save.err).toContain('"msg":"created temporary db file","path":"snap.db.part"}');
    expect(cc.world.fs.readFile('/tmp/work/snap.db')).toBeDefined();
    const st = await run('snapshot', 'status', 'snap.db', '-w', 'json');
    const status = JSON.parse(st.out) as { hash: number; revision: number; totalKey: number };
    expect(status.totalKey).toBeGreaterThan(0);
    expect((await run('snapshot', 'status', 'snap.db')).out).toMatch(/^[0-9a-f]+, \d+, \d+, \d+(\.\d)? k?B\n$/);
    expect(await run('snapshot', 'status', 'missing.db')).toMatchObject({ err: 'Error: stat missing.db: no such file or directory\n', code: 1 });
    expect(await run('snapshot', 'save', 'x.db', `--endpoints=${EP.join(',')}`)).toMatchObject({
      err: `Error: snapshot must be requested to one selected node, not multiple [${EP.join(' ')}]\n`,
      code: 5,
    });
    expect((await run('snapshot', 'save', 'no/dir/x.db')).err).toBe('Error: could not open no/dir/x.db.part (open no/dir/x.db.part: no such file or directory)\n');

    const rs = await run('snapshot', 'restore', 'snap.db', '--data-dir=restored');
    expect(rs.code).toBe(0);
    expect(rs.err).toContain('"msg":"added member","cluster-id":"cdf818194e3a8c32","local-member-id":"0","added-peer-id":"8e9e05c52164694d"');
    expect(await run('snapshot', 'restore', 'snap.db', '--data-dir=restored')).toMatchObject({ err: 'Error: data-dir "restored" exists\n', code: 1 });
    const after = JSON.parse((await run('snapshot', 'status', 'restored/member/snap/db', '-w', 'json')).out) as typeof status;
    expect(after.revision).toBe(status.revision);
    expect(after.totalKey).toBe(status.totalKey);
    expect(after.hash).not.toBe(status.hash);
    const boot = readRestoredDataDir(cc.world.fs, '/tmp/work/restored');
    expect(boot?.boot).toMatchObject({ name: 'default', clusterToken: 'etcd-cluster', memberId: '8e9e05c52164694d', clusterId: 'cdf818194e3a8c32' });

    expect((await run('snapshot', 'restore', 'snap.db', '--name=m1', '--data-dir=r3', '--initial-cluster=m2=http://127.0.0.1:2380')).err).toBe(
      'Error: couldn\'t find local name "m1" in the initial cluster configuration\n',
    );
    expect((await run('snapshot', 'restore', 'snap.db', '--name=m1', '--data-dir=r3', '--initial-cluster=m1=http://127.0.0.1:2380')).err).toBe(
      'Error: --initial-cluster has m1=http://127.0.0.1:2380 but missing from --initial-advertise-peer-urls=http://localhost:2380 (resolved urls: "http://localhost:2380" != "http://127.0.0.1:2380")\n',
    );
    const missing = await run('snapshot', 'restore', 'missing.db', '--data-dir=r4');
    expect(missing.err).toMatch(/"msg":"restoring snapshot".*\nError: open missing.db: no such file or directory\n$/);
    expect(await run('snapshot', 'restore')).toMatchObject({ err: 'Error: snapshot restore requires exactly one argument\n', code: 128 });
  });
});
