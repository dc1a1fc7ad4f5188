// Every lesson (the languages share its plan) played through real shells on a
// fresh world, with two seeds: each step's command runs and each step completes.
import { describe, expect, it } from 'vitest';
import { LESSONS } from '../../src/ui/lessons/index.ts';
import { play } from './lessons-play.ts';

describe('lessons play through', () => {
  it('has the ten lessons', () => {
    expect(LESSONS.map((l) => l.id)).toEqual(['first-keys', 'watch', 'leases', 'txn', 'failover', 'replication', 'reads', 'membership', 'snapshots', 'lock']);
  });

  for (const lesson of LESSONS) {
    for (const seed of [1, 7]) {
      it(`${lesson.id} (seed ${seed})`, async () => {
        const { out, runner } = await play(lesson, seed);
        expect(out).not.toMatch(/command not found|unknown (flag|command)|sh: |Error: (?!context deadline exceeded)/);
        // The isolated leader had appended the write that never committed, and healing replaced it.
        if (lesson.id === 'replication') expect(runner.progress().memo.stray).toMatch(/^\d+:\d+$/);
      }, 60_000);
    }
  }
});
