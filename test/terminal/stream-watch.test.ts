// etcdctl watch: events in each format, ranges and prefixes, --rev replay and
// compaction (exit 5), the exec form with ETCD_WATCH_* variables, watch -i,
// argument errors, and signals ending a watch.
import { beforeAll, describe, expect, it } from 'vitest';
import { Harness, OpenInput } from './stream-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await Harness.start();
});

describe('watch', () => {
  it('prints PUT and DELETE events until SIGTERM kills it', async () => {
    const b = h.start(['watch', 'w/foo']);
    const p = h.start(['watch', 'w/p/', '--prefix']);
    const r = h.start(['watch', 'w/a', 'w/c']);
    const pv = h.start(['watch', 'w/foo', '--prev-kv']);
    await h.advance(1000);
    await h.put('w/foo', '1');
    await h.put('w/foo', 'with space');
    await h.put('w/p/x', '10');
    await h.put('w/b', '2');
    await h.put('w/c', '3');
    await h.del('w/foo');
    expect((await h.stop(b)).out).toBe('PUT\nw/foo\n1\nPUT\nw/foo\nwith space\nDELETE\nw/foo\n\n');
    expect((await h.stop(p)).out).toBe('PUT\nw/p/x\n10\n');
    expect((await h.stop(r)).out).toBe('PUT\nw/b\n2\n');
    const prev = await h.stop(pv, 'SIGINT');
    expect(prev.out).toBe('PUT\nw/foo\n1\nPUT\nw/foo\n1\nw/foo\nwith space\nDELETE\nw/foo\nwith space\nw/foo\n\n');
    expect(prev.end).toEqual({ signal: 'SIGINT' });
  });

  it('json uses the clientv3 struct; fields print header then events', async () => {
    const j = h.start(['watch', 'w/j', '-w', 'json']);
    const f = h.start(['watch', 'w/j', '-w', 'fields']);
    await h.advance(1000);
    await h.put('w/j', 'v');
    await h.del('w/j');
    const json = (await h.stop(j)).out.split('\n');
    expect(json[0]).toMatch(/^\{"Header":\{"cluster_id":\d+,"member_id":\d+,"revision":\d+,"raft_term":\d+\},"Events":\[\{"kv":\{"key":"dy9q","create_revision":\d+,"mod_revision":\d+,"version":1,"value":"dg=="\}\}\],"CompactRevision":0,"Canceled":false,"Created":false\}$/);
    expect(json[1]).toMatch(/"Events":\[\{"type":1,"kv":\{"key":"dy9q","mod_revision":\d+\}\}\]/);
    const fields = (await h.stop(f)).out;
    expect(fields).toMatch(/^"ClusterID" : \d+\n"MemberID" : \d+\n"Revision" : \d+\n"RaftTerm" : \d+\n"Type" : PUT\n"Key" : "w\/j"\n/);
    expect(fields).toMatch(/"Type" : DELETE\n"Key" : "w\/j"\n"CreateRevision" : 0\n/);
  });

  it('replays from --rev and fails on a compacted revision with exit 5', async () => {
    await h.put('w/h', '1');
    const r = await h.run(['lease', 'list', '-w', 'json']);
    const rev = Number(/"revision":(\d+)/.exec(r.out)![1]);
    await h.put('w/h', '2');
    const replay = h.start(['watch', 'w/h', `--rev=${rev}`]);
    expect((await h.stop(replay, 'SIGTERM', 1000)).out).toBe('PUT\nw/h\n1\nPUT\nw/h\n2\n');
    await h.compact(rev + 1);
    const old = await h.run(['watch', 'w/h', `--rev=${rev}`, '-w', 'json']);
    expect(old.out).toMatch(/"Events":\[\],"CompactRevision":\d+,"Canceled":true,"Created":false\}\n$/);
    expect(old.err).toBe('watch was canceled (etcdserver: mvcc: required revision has been compacted)\nError: watch is canceled by the server\n');
    expect(old.end).toEqual({ code: 5 });
  });

  it('runs the exec command per event with quoted ETCD_WATCH_* variables', async () => {
    const b = h.start(['watch', 'w/ex', '--', 'sh', '-c', 'echo event: $ETCD_WATCH_EVENT_TYPE $ETCD_WATCH_KEY=$ETCD_WATCH_VALUE rev=$ETCD_WATCH_REVISION']);
    await h.advance(1000);
    await h.put('w/ex', 'hello');
    await h.del('w/ex');
    const out = (await h.stop(b)).out;
    expect(out).toMatch(/^PUT\nw\/ex\nhello\nevent: "PUT" "w\/ex"="hello" rev=\d+\nDELETE\nw\/ex\n\nevent: "DELETE" "w\/ex"="" rev=\d+\n$/);
  });

  it('exits 1 when the exec command fails', async () => {
    const b = h.start(['watch', 'w/ex2', '--', 'sh', '-c', 'exit 3']);
    await h.advance(1000);
    await h.put('w/ex2', 'x');
    await h.world.runUntil(() => !b.proc.running, h.world.now() + 1000);
    expect(b.proc.end).toEqual({ code: 1 });
    expect(new TextDecoder().decode(b.err.bytes())).toBe('command ["sh" "-c" "exit 3"] error (exit status 3)\n');
  });

  it('watch -i takes watch lines, reports bad ones, and dies on SIGTERM', async () => {
    const b = h.start(['watch', '-i'], new OpenInput('watch w/ia\nget foo\nwatch\n\nwatch w/ib --prefix\nwatch a --prefix b\n'));
    await h.advance(1000);
    await h.put('w/ia', '1');
    await h.put('w/ib/x', '2');
    const r = await h.stop(b);
    expect(r.out).toBe('PUT\nw/ia\n1\nPUT\nw/ib/x\n2\n');
    expect(r.err).toBe(
      'Invalid command get foo (only support watch)\n' +
        'Invalid command watch (command type or key is not provided)\n' +
        'Invalid command:  (watch and progress supported)\n' +
        'Invalid command watch a --prefix b (`range_end` and `--prefix` are mutually exclusive)\n',
    );
    expect(r.end).toEqual({ signal: 'SIGTERM' });
  });

  it('watch -i exits 3 at the end of stdin and 128 on a bad flag', async () => {
    expect(await h.run(['watch', '-i'], 'watch x\n')).toMatchObject({ err: 'Error: Error reading watch request line: EOF\n', end: { code: 3 } });
    expect(await h.run(['watch', '-i'], 'watch --bogus x\n')).toMatchObject({ err: 'Error: unknown flag: --bogus\n', end: { code: 128 } });
  });

  it('rejects bad arguments', async () => {
    expect(await h.run(['watch'])).toMatchObject({ err: 'Error: bad number of arguments\n', end: { code: 128 } });
    expect((await h.run(['watch', 'a', '--prefix', 'b'])).err).toBe('Error: `range_end` and `--prefix` are mutually exclusive\n');
    expect((await h.run(['watch', 'ex', '--'])).err).toBe('Error: bad number of arguments (found separator --, but no commands)\n');
    expect((await h.run(['watch', '--', 'echo', 'hi'])).err).toBe('Error: bad number of arguments\n');
    expect(await h.run(['watch', 'x', '-w', 'yaml'])).toMatchObject({ err: 'Error: unsupported output format\n', end: { code: 4 } });
  });
});

describe('watch -w table', () => {
  it('fails at the first event with exit 4', async () => {
    const b = h.start(['watch', 'w/t', '-w', 'table']);
    await h.advance(1000);
    await h.put('w/t', 'v');
    await h.world.runUntil(() => !b.proc.running, h.world.now() + 1000);
    expect(b.proc.end).toEqual({ code: 4 });
    expect(new TextDecoder().decode(b.err.bytes())).toBe('Error: table not supported as output format\n');
  });
});
