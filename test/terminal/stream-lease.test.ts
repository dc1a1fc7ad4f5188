// etcdctl lease: every subcommand's output formats, argument errors and
// exit codes, and the streaming keep-alive ended by a signal or by the lease.
import { beforeAll, describe, expect, it } from 'vitest';
import { Harness } from './stream-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await Harness.start();
});

const idOf = (out: string): string => /^lease ([0-9a-f]{16}) granted/.exec(out)![1]!;

describe('lease grant', () => {
  it('prints the ID and TTL, raising small TTLs to the minimum', async () => {
    const r = await h.run(['lease', 'grant', '0']);
    expect(r.out).toMatch(/^lease [0-9a-f]{16} granted with TTL\(2s\)\n$/);
    expect(r.end).toEqual({ code: 0 });
  });

  it('json has the header flattened with ID, TTL and Error', async () => {
    const r = await h.run(['lease', 'grant', '600', '-w', 'json']);
    expect(r.out).toMatch(/^\{"cluster_id":\d+,"member_id":\d+,"revision":\d+,"raft_term":\d+,"ID":\d+,"TTL":600,"Error":""\}\n$/);
  });

  it('fields prints the header, ID and TTL; table is refused after the grant', async () => {
    const f = await h.run(['lease', 'grant', '900', '-w', 'fields']);
    expect(f.out).toMatch(/"RaftTerm" : \d+\n"ID" : \d+\n"TTL" : 900\n$/);
    const t = await h.run(['lease', 'grant', '900', '-w', 'table']);
    expect(t).toMatchObject({ out: '', err: 'Error: table not supported as output format\n', end: { code: 4 } });
    const y = await h.run(['lease', 'grant', '900', '-w', 'yaml']);
    expect(y).toMatchObject({ err: 'Error: unsupported output format\n', end: { code: 4 } });
  });

  it('rejects bad arguments with exit 128', async () => {
    expect(await h.run(['lease', 'grant'])).toMatchObject({ err: 'Error: lease grant command needs TTL argument\n', end: { code: 128 } });
    expect(await h.run(['lease', 'grant', '10', '20'])).toMatchObject({ end: { code: 128 } });
    expect((await h.run(['lease', 'grant', 'abc'])).err).toBe('Error: bad TTL (strconv.ParseInt: parsing "abc": invalid syntax)\n');
    expect((await h.run(['lease', 'grant', '99999999999999999999'])).err).toContain('value out of range');
  });
});

describe('lease revoke, timetolive, list, keep-alive --once', () => {
  it('reports a lease and its keys, then its revocation', async () => {
    const id = idOf((await h.run(['lease', 'grant', '300'])).out);
    await h.put('lk1', 'v1', id);
    await h.put('lk2', 'v2', id);
    const ttl = await h.run(['lease', 'timetolive', id, '--keys']);
    expect(ttl.out).toMatch(new RegExp(`^lease ${id} granted with TTL\\(300s\\), remaining\\(\\d+s\\), attached keys\\(\\[lk1 lk2\\]\\)\\n$`));
    const json = await h.run(['lease', 'timetolive', id, '--keys', '-w', 'json']);
    expect(json.out).toMatch(/"granted-ttl":300,"keys":\["bGsx","bGsy"\]\}\n$/);
    const fields = await h.run(['lease', 'timetolive', id, '--keys', '-w', 'fields']);
    expect(fields.out).toMatch(/"GrantedTTL" : 300\n"Key" : "lk1"\n"Key" : "lk2"\n$/);
    expect((await h.run(['lease', 'list'])).out).toContain(`${id}\n`);
    expect((await h.run(['lease', 'keep-alive', '--once', id])).out).toBe(`lease ${id} keepalived with TTL(300)\n`);
    expect((await h.run(['lease', 'revoke', id])).out).toBe(`lease ${id} revoked\n`);
    expect(await h.dump()).not.toContain('lk1=v1');
  });

  it('answers for a lease that is gone', async () => {
    expect((await h.run(['lease', 'timetolive', '1234'])).out).toBe('lease 0000000000001234 already expired\n');
    expect((await h.run(['lease', 'timetolive', '1234', '-w', 'json'])).out).toMatch(/"id":4660,"ttl":-1,"granted-ttl":0,"keys":null\}\n$/);
    expect(await h.run(['lease', 'revoke', '1234'])).toMatchObject({
      err: 'Error: failed to revoke lease (etcdserver: requested lease not found)\n',
      end: { code: 1 },
    });
    expect(await h.run(['lease', 'keep-alive', '--once', '1234'])).toMatchObject({
      err: 'Error: etcdserver: requested lease not found\n',
      end: { code: 2 },
    });
  });

  it('revoke -w protobuf cannot marshal the response', async () => {
    const id = idOf((await h.run(['lease', 'grant', '30'])).out);
    const r = await h.run(['lease', 'revoke', id, '-w', 'protobuf']);
    expect(r.err).toMatch(/^Error: marshal unsupported for type clientv3\.LeaseRevokeResponse \(\{cluster_id:\d+ member_id:\d+ revision:\d+ raft_term:\d+ \}\)\n$/);
    expect(r.end).toEqual({ code: 4 });
  });

  it('list -w json is an empty array without leases; bad IDs exit 128', async () => {
    const list = await h.run(['lease', 'list', '-w', 'json']);
    expect(list.out).toMatch(/"leases":\[.*\]\}\n$/);
    for (const sub of ['revoke', 'timetolive', 'keep-alive']) {
      const r = await h.run(['lease', sub, 'zz']);
      expect(r).toMatchObject({ err: 'Error: bad lease ID arg (strconv.ParseInt: parsing "zz": invalid syntax), expecting ID in Hex\n', end: { code: 128 } });
    }
    expect((await h.run(['lease', 'revoke'])).err).toBe('Error: lease revoke command needs 1 argument\n');
    expect((await h.run(['lease', 'timetolive'])).err).toBe('Error: lease timetolive command needs lease ID as argument\n');
    expect((await h.run(['lease', 'keep-alive'])).err).toBe('Error: lease keep-alive command needs lease ID as argument\n');
  });
});

describe('lease keep-alive (streaming)', () => {
  it('renews every TTL/3 until SIGINT ends the process', async () => {
    const id = idOf((await h.run(['lease', 'grant', '3'])).out);
    await h.put('kept', 'v', id);
    const b = h.start(['lease', 'keep-alive', id]);
    const r = await h.stop(b, 'SIGINT', 5000);
    const lines = r.out.split('\n').filter((l) => l !== '');
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(new Set(lines)).toEqual(new Set([`lease ${id} keepalived with TTL(3)`]));
    expect(r.end).toEqual({ signal: 'SIGINT' });
    expect(await h.dump()).toContain('kept=v');
  });

  it('ends with "expired or revoked." when the lease goes', async () => {
    const id = idOf((await h.run(['lease', 'grant', '3'])).out);
    const b = h.start(['lease', 'keep-alive', id]);
    await h.advance(1200);
    await h.run(['lease', 'revoke', id]);
    await h.world.runUntil(() => !b.proc.running, h.world.now() + 5000);
    expect(b.proc.end).toEqual({ code: 0 });
    expect(new TextDecoder().decode(b.out.bytes())).toMatch(new RegExp(`lease ${id} expired or revoked\\.\\n$`));
  });

  it('prints nothing extra in json when the lease is unknown', async () => {
    const r = await h.run(['lease', 'keep-alive', '1234', '-w', 'json']);
    expect(r).toMatchObject({ out: '', end: { code: 0 } });
    expect((await h.run(['lease', 'keep-alive', '1234'])).out).toBe('lease 0000000000001234 expired or revoked.\n');
  });
});
