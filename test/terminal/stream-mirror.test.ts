// etcdctl make-mirror: the base copy and later changes under a renamed
// prefix, --no-dest-prefix, argument errors, and SIGTERM ending it.
import { beforeAll, describe, expect, it } from 'vitest';
import { clientURL } from '../../src/terminal/corpus/ctl.ts';
import { Harness } from './stream-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await Harness.start();
});

describe('make-mirror', () => {
  it('copies the prefix, then follows puts and deletes until SIGTERM', async () => {
    await h.put('src/a', '1');
    await h.put('src/b', '2');
    await h.put('other', 'x');
    const b = h.start(['make-mirror', '--prefix=src/', '--dest-prefix=dst/', clientURL(0)]);
    await h.advance(2000);
    await h.put('src/c', '3');
    await h.del('src/a');
    const r = await h.stop(b, 'SIGTERM', 1000);
    expect(r).toMatchObject({ out: '', err: '', end: { signal: 'SIGTERM' } });
    expect((await h.dump()).filter((k) => k.startsWith('dst/'))).toEqual(['dst/b=2', 'dst/c=3']);
    const nd = h.start(['make-mirror', '--prefix=src/', '--no-dest-prefix', clientURL(0)]);
    await h.stop(nd, 'SIGINT', 1000);
    expect(await h.dump()).toEqual(expect.arrayContaining(['b=2', 'c=3']));
  });

  it('prints the count every 30 s', async () => {
    const b = h.start(['make-mirror', '--prefix=src/', '--dest-prefix=m/', clientURL(0)]);
    expect((await h.stop(b, 'SIGTERM', 31_000)).out).toBe('2\n');
  });

  it('checks its arguments', async () => {
    const one = 'Error: make-mirror takes one destination argument\n';
    expect(await h.run(['make-mirror'])).toMatchObject({ err: one, end: { code: 128 } });
    expect(await h.run(['make-mirror', 'a', 'b'])).toMatchObject({ err: one, end: { code: 128 } });
    expect(await h.run(['make-mirror', '--dest-prefix=x/', '--no-dest-prefix', clientURL(0)])).toMatchObject({
      err: 'Error: `--dest-prefix` and `--no-dest-prefix` cannot be set at the same time, choose one\n',
      end: { code: 128 },
    });
  });

  it('waits forever for an unreachable destination', async () => {
    const b = h.start(['make-mirror', '--dest-prefix=x/', '127.0.0.1:23799']);
    await h.advance(10_000);
    expect(b.proc.running).toBe(true);
    expect((await h.stop(b)).end).toEqual({ signal: 'SIGTERM' });
  });
});
