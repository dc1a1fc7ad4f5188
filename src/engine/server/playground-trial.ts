// A trial start of a playground file's cluster, before anything is stored or
// served: the file's checks cover its shape, but only a restart shows that
// the disks' contents decode (snapshots, applied stores, log entries) and
// that the members can replay them. The trial runs a few virtual seconds on
// a throwaway copy and reports the first failure.
import { restoreOptions } from '../cluster/cluster.ts';
import type { PlaygroundFile } from '../cluster/playground-file.ts';
import { applyPlaygroundState } from '../cluster/playground-state.ts';
import { EtcdCluster } from './etcd-cluster.ts';

/** Why the file's cluster cannot run, or undefined if it ran for ms of virtual time. */
export function trialStart(file: PlaygroundFile, ms = 3000): string | undefined {
  try {
    const etcd = new EtcdCluster({ ...restoreOptions(file.cluster), traceCapacity: 0 });
    applyPlaygroundState(etcd.cluster, file.network, file.cluster);
    etcd.cluster.advanceTo(file.cluster.now + ms);
    return undefined;
  } catch (e) {
    return `its members cannot start from their disks (${e instanceof Error ? e.message : String(e)})`;
  }
}
