// The barrier's fdatasync of several WALs at once: every file is synced
// before syncAll returns, and a failure on any of them (here a closed fd,
// EBADF) is thrown, not lost in a worker thread.
import { afterAll, describe, expect, it } from 'vitest';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ParallelSync } from '../../src/server/persist/parallel-sync.ts';
import { tempDir } from './harness.ts';

describe('ParallelSync', () => {
  const dir = tempDir('parallel-sync-');
  const syncer = new ParallelSync();
  afterAll(() => {
    syncer.close();
    dir.remove();
  });

  it('syncs every file, reusing its workers from one barrier to the next', () => {
    const fds = [0, 1, 2].map((i) => openSync(join(dir.path, `f${i}`), 'w'));
    try {
      for (let round = 0; round < 20; round++) {
        for (const fd of fds) writeSync(fd, `r${round};`);
        syncer.syncAll(fds);
      }
      syncer.syncAll([]);
      for (let i = 0; i < 3; i++) expect(readFileSync(join(dir.path, `f${i}`), 'utf8')).toBe(Array.from({ length: 20 }, (_, r) => `r${r};`).join(''));
    } finally {
      for (const fd of fds) closeSync(fd);
    }
  });

  it('throws when a file handed to a worker cannot be synced', () => {
    const good = openSync(join(dir.path, 'good'), 'w');
    const gone = openSync(join(dir.path, 'gone'), 'w');
    closeSync(gone);
    try {
      expect(() => syncer.syncAll([good, gone])).toThrow(/^EBADF: fdatasync of fd \d+ failed$/);
      // The workers are still usable afterwards.
      syncer.syncAll([good, good]);
    } finally {
      closeSync(good);
    }
  });

  it('throws the calling thread\'s own failure too', () => {
    const gone = openSync(join(dir.path, 'gone2'), 'w');
    closeSync(gone);
    expect(() => syncer.syncAll([gone])).toThrow(/EBADF/);
  });
});
