// etcdctl lock and elect: exec form and exit status, holding until a signal
// (which they take over: unlock/resign and exit 0, or "context canceled"
// while still waiting), elect -l observers, and argument errors.
import { beforeAll, describe, expect, it } from 'vitest';
import { Harness } from './stream-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await Harness.start();
});

describe('lock', () => {
  it('runs a command holding the lock, with ETCD_LOCK_KEY and ETCD_LOCK_REV', async () => {
    expect(await h.run(['lock', 'l1', 'echo', 'hello', 'from', 'lock'])).toMatchObject({ out: 'hello from lock\n', end: { code: 0 } });
    const r = await h.run(['lock', 'l1', '--', 'sh', '-c', 'echo key=$ETCD_LOCK_KEY rev=$ETCD_LOCK_REV; exit 0']);
    expect(r.out).toMatch(/^key=l1\/[0-9a-f]+ rev=\d+\n$/);
    expect((await h.dump()).filter((k) => k.startsWith('l1/'))).toEqual([]);
  });

  it('passes the command failure on as exit 1', async () => {
    expect(await h.run(['lock', 'l1', '--', 'sh', '-c', 'exit 3'])).toMatchObject({ err: 'Error: exit status 3\n', end: { code: 1 } });
    expect(await h.run(['lock', 'l1', 'nonexistent-command-xyz'])).toMatchObject({
      err: 'Error: exec: "nonexistent-command-xyz": executable file not found in $PATH\n',
      end: { code: 1 },
    });
  });

  it('holds until SIGTERM (unlock, exit 0); a waiter then gets the lock', async () => {
    const holder = h.start(['lock', 'l2']);
    await h.advance(1000);
    const waiter = h.start(['lock', 'l2', 'echo', 'got', 'it']);
    await h.advance(1000);
    expect(waiter.proc.running).toBe(true);
    const held = await h.stop(holder, 'SIGTERM');
    expect(held.out).toMatch(/^l2\/[0-9a-f]+\n\n$/);
    expect(held.end).toEqual({ code: 0 });
    await h.world.runUntil(() => !waiter.proc.running, h.world.now() + 5000);
    expect(waiter.proc.end).toEqual({ code: 0 });
    expect(new TextDecoder().decode(waiter.out.bytes())).toBe('got it\n');
  });

  it('SIGINT while waiting gives up with "context canceled"', async () => {
    const holder = h.start(['lock', 'l3']);
    await h.advance(1000);
    const waiter = h.start(['lock', 'l3']);
    const r = await h.stop(waiter, 'SIGINT', 1000);
    expect(r).toMatchObject({ out: '', err: 'Error: context canceled\n', end: { code: 1 } });
    expect((await h.dump()).filter((k) => k.startsWith('l3/'))).toHaveLength(1);
    await h.stop(holder, 'SIGINT');
    expect((await h.dump()).filter((k) => k.startsWith('l3/'))).toEqual([]);
  });

  it('prints the key as display.Get does (-w json) and checks its arguments', async () => {
    const b = h.start(['lock', 'l4', '-w', 'json']);
    const r = await h.stop(b, 'SIGTERM', 1000);
    expect(r.out).toMatch(/^\{"header":\{.*\},"kvs":\[\{"key":"[A-Za-z0-9+/=]+","create_revision":\d+,"mod_revision":\d+,"version":1,"lease":\d+\}\],"count":1\}\n$/);
    expect(await h.run(['lock'])).toMatchObject({ err: 'Error: lock takes a lock name argument and an optional command to execute\n', end: { code: 128 } });
    expect((await h.run(['lock', '--ttl=abc', 'x'])).end).toEqual({ code: 1 });
  });
});

describe('elect', () => {
  it('campaigns, observers see each leader, SIGTERM resigns', async () => {
    const obs = h.start(['elect', '-l', 'e1']);
    await h.advance(1000);
    const p1 = h.start(['elect', 'e1', 'one']);
    await h.advance(1000);
    const p2 = h.start(['elect', 'e1', 'two']);
    await h.advance(1000);
    expect(p2.proc.running).toBe(true);
    const r1 = await h.stop(p1, 'SIGTERM');
    expect(r1.out).toMatch(/^e1\/[0-9a-f]+\none\n$/);
    expect(r1.end).toEqual({ code: 0 });
    const r2 = await h.stop(p2, 'SIGTERM', 1000);
    expect(r2.out).toMatch(/^e1\/[0-9a-f]+\ntwo\n$/);
    const o = await h.stop(obs, 'SIGINT');
    expect(o.out).toMatch(/^e1\/[0-9a-f]+\none\ne1\/[0-9a-f]+\ntwo\n$/);
    expect(o.end).toEqual({ code: 0 });
  });

  it('a campaigner still waiting exits 1 on a signal', async () => {
    const p1 = h.start(['elect', 'e2', 'one']);
    await h.advance(1000);
    const p2 = h.start(['elect', 'e2', 'two']);
    expect(await h.stop(p2, 'SIGINT', 1000)).toMatchObject({ out: '', err: 'Error: context canceled\n', end: { code: 1 } });
    await h.stop(p1);
    expect((await h.dump()).filter((k) => k.startsWith('e2/'))).toEqual([]);
  });

  it('observer json has no count; argument errors exit 128', async () => {
    const obs = h.start(['elect', '-l', 'e3', '-w', 'json']);
    await h.advance(1000);
    const p = h.start(['elect', 'e3', 'v']);
    await h.advance(1000);
    await h.stop(p);
    expect((await h.stop(obs)).out).toMatch(/^\{"header":\{.*\},"kvs":\[\{"key":"[^"]+","create_revision":\d+,"mod_revision":\d+,"version":1,"value":"dg==","lease":\d+\}\]\}\n$/);
    const usage = 'Error: elect takes one election name argument and an optional proposal argument\n';
    for (const argv of [['elect'], ['elect', 'a', 'b', 'c'], ['elect', '--listen']]) expect(await h.run(argv)).toMatchObject({ err: usage, end: { code: 128 } });
    expect((await h.run(['elect', 'a'])).err).toBe('Error: no proposal argument but -l not set\n');
    expect((await h.run(['elect', '-l', 'a', 'b'])).err).toBe('Error: proposal given but -l is set\n');
  });
});
