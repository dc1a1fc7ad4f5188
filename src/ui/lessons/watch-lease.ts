// Lesson: a watch on a prefix in a second terminal, writes in the first, and
// a lease whose expiry deletes its key (the watch sees the DELETE).
import { prefixEnd } from '../model/watches.ts';
import { keyState, leaseIds, watchersOn } from './probe.ts';
import type { Lesson } from './types.ts';

const PREFIX = '/jobs/';
const prefixWatch = (w: Parameters<typeof watchersOn>[0]) => watchersOn(w, PREFIX).filter((x) => x.end === prefixEnd(PREFIX));

export const watchLease: Lesson = {
  id: 'watch-lease',
  title: 'Watches and leases',
  summary: 'Watch a prefix in a second shell, write in the first, and let a lease expire.',
  steps: [
    {
      title: 'Watch a prefix',
      text:
        'A watch streams every change to a key or range as it commits, in revision order. Start one on `/jobs/` in a second ' +
        'shell (the button opens it): it keeps running and prints each event. The Leases & watches tab lists it under Watches.',
      command: `etcdctl watch --prefix ${PREFIX}`,
      newTab: true,
      check: ({ world }) => prefixWatch(world).length > 0,
    },
    {
      title: 'Write under the prefix',
      text: 'Back in shell 1, write a key under `/jobs/`. The watch in shell 2 prints `PUT`, the key and the value.',
      command: 'etcdctl put /jobs/1 build',
      begin: ({ world, memo }) => {
        memo.rev = keyState(world, '/jobs/1')?.mod ?? 0;
      },
      check: ({ world, memo }) => {
        const k = keyState(world, '/jobs/1');
        return k !== undefined && k.mod > Number(memo.rev) && prefixWatch(world).some((w) => w.nextRev > k.mod);
      },
    },
    {
      title: 'Grant a lease',
      text:
        'A lease is a timer held by the leader: keys attached to it are deleted when it expires. Grant one for 10 seconds; ' +
        'etcdctl prints its ID (hex). The leases view shows it draining.',
      command: 'etcdctl lease grant 10',
      begin: ({ world, memo }) => {
        memo.before = leaseIds(world).join(',');
      },
      check: ({ world, memo }) => {
        const old = String(memo.before).split(',');
        const fresh = leaseIds(world).find((id) => !old.includes(id));
        if (fresh) memo.lease = fresh;
        return fresh !== undefined;
      },
    },
    {
      title: 'Attach a key',
      text: 'Put a key with the lease. Hurry a little: the 10 seconds started when the lease was granted.',
      command: ({ memo }) => `etcdctl put --lease=${memo.lease ?? 'ID'} ${PREFIX}tmp hello`,
      check: ({ world, memo }) => {
        const k = keyState(world, `${PREFIX}tmp`);
        return k !== undefined && k.lease.toLowerCase() === String(memo.lease).toLowerCase();
      },
      hint: 'If the lease expired already, `etcdctl lease grant 10` again and use the new ID.',
    },
    {
      title: 'Let it expire',
      text:
        'Nobody keeps the lease alive (`etcdctl lease keep-alive` would), so when its TTL runs out the leader revokes it ' +
        'through raft, and the revoke deletes the attached key in a new revision. Shell 2 prints `DELETE /jobs/tmp`. ' +
        '`lease timetolive` shows the seconds left meanwhile.',
      command: ({ memo }) => `etcdctl lease timetolive ${memo.lease ?? 'ID'} --keys`,
      check: ({ world, memo }) =>
        keyState(world, `${PREFIX}tmp`) === undefined &&
        !leaseIds(world).includes(String(memo.lease)) &&
        prefixWatch(world).some((w) => w.nextRev > w.rev),
      hint: 'Expiry takes up to the TTL in simulated time; the leader checks its leases every half second.',
    },
    {
      title: 'Stop the watch',
      text: 'In shell 2, press Ctrl-C: etcdctl cancels the watch and the member drops the watcher.',
      check: ({ world }) => prefixWatch(world).length === 0,
    },
  ],
};
