// Lesson: put and get keys, prefixes, JSON output and revisions.
import { keyState, ranOk } from './probe.ts';
import type { Lesson } from './types.ts';

export const firstKeys: Lesson = {
  id: 'first-keys',
  title: 'Your first keys',
  summary: 'put and get, prefixes, the JSON view of a key and the revisions etcd keeps.',
  steps: [
    {
      title: 'Write a key',
      text:
        'etcd is a key-value store: keys and values are byte strings. `etcdctl put` writes one key; etcd answers `OK` once ' +
        'a majority of members has the write in its raft log and it is committed.',
      command: 'etcdctl put greeting hello',
      check: ({ world }) => keyState(world, 'greeting')?.value === 'hello',
    },
    {
      title: 'Read it back',
      text:
        '`etcdctl get` prints the key, then its value. By default the read is linearizable: the member you asked first checks ' +
        'with the leader that it has seen every committed write (the Request path tab shows that round).',
      command: 'etcdctl get greeting',
      check: ({ ran }) => ranOk(ran, /^etcdctl .*\bget\b.*\bgreeting\b/),
    },
    {
      title: 'Keys that share a prefix',
      text:
        'etcd has no directories, but keys sort byte-wise, so a common prefix groups keys. Write two keys under `/app/`.',
      command: 'etcdctl put /app/db postgres',
      check: ({ world }) => keyState(world, '/app/db') !== undefined,
    },
    {
      title: 'A second key under /app/',
      text: 'Another key with the same prefix.',
      command: 'etcdctl put /app/cache redis',
      check: ({ world }) => keyState(world, '/app/cache') !== undefined,
    },
    {
      title: 'Get a whole prefix',
      text: '`--prefix` turns the key into a range: every key that starts with it, in key order.',
      command: 'etcdctl get /app/ --prefix',
      check: ({ ran }) => ranOk(ran, /^etcdctl .*\bget\b.*\/app\/.*--prefix|^etcdctl .*--prefix.*\bget\b.*\/app\//),
    },
    {
      title: 'The JSON view',
      text:
        '`-w json` shows the whole response. The header carries the store\'s current `revision` and the raft term; each key ' +
        'has a `create_revision` (the revision that created it), a `mod_revision` (its last write) and a `version` (writes since ' +
        'it was created). Keys and values are base64 in JSON.',
      command: 'etcdctl get /app/db -w json',
      check: ({ ran }) => ranOk(ran, /^etcdctl .*\bget\b.*\/app\/db.*(-w|--write-out)[ =]?json/),
    },
    {
      title: 'Change a key',
      text:
        'Every write to the store makes a new revision of the whole key space, numbered one more than the last. Overwrite ' +
        '`/app/db`: its `mod_revision` moves on and its `version` becomes 2, while `create_revision` stays.',
      command: 'etcdctl put /app/db mysql',
      check: ({ world }) => (keyState(world, '/app/db')?.version ?? 0) >= 2,
    },
    {
      title: 'Read the past',
      text:
        'Old revisions stay until they are compacted, so you can read the key space as it was. Ask for `/app/db` at the revision ' +
        'that created it: you get the old value back.',
      command: ({ world }) => `etcdctl get /app/db --rev=${keyState(world, '/app/db')?.create ?? 2}`,
      check: ({ ran }) => ranOk(ran, /^etcdctl .*\bget\b.*\/app\/db.*--rev[ =]?\d+/),
    },
    {
      title: 'Delete a key',
      text:
        '`etcdctl del` prints how many keys it deleted. The delete is a revision too: the key\'s history ends with a tombstone ' +
        '(see the Keys tab), and `get` finds nothing at the new revision.',
      command: 'etcdctl del /app/cache',
      check: ({ world }) => keyState(world, '/app/cache') === undefined,
    },
  ],
};
