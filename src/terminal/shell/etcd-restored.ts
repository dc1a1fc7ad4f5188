// `etcd --data-dir DIR` on a data dir that `etcdctl snapshot restore` made:
// the restored member bootstraps a new cluster (its --initial-cluster, its
// token) from the snapshot's store. The playground runs one cluster per
// playground, so the new cluster opens as a new named playground, named after
// the data dir; the old one stays as it was, under its own name.
import { encodePlaygroundFile } from '../../engine/cluster/playground-file.ts';
import { playgroundFileOf } from '../../engine/cluster/playground-state.ts';
import { restoreCluster } from '../../engine/server/snapshot-file.ts';
import { readRestoredDataDir } from '../commands/cluster/snapshot-restore.ts';
import { VirtualFS } from '../core/vfs.ts';
import type { ShellContext } from './shell.ts';

/** The restored data dir at dataDir, if `snapshot restore` made one there. */
export function restoredAt(ctx: ShellContext, dataDir: string): ReturnType<typeof readRestoredDataDir> {
  return dataDir === '' ? undefined : readRestoredDataDir(ctx.world.fs, VirtualFS.resolve(ctx.shell.session.cwd, dataDir));
}

/**
 * Starts the restored cluster as a new playground; the exit status. name is
 * --name, which must be the member the data dir was restored for.
 */
export async function startRestored(ctx: ShellContext, name: string, dataDir: string, restored: NonNullable<ReturnType<typeof readRestoredDataDir>>): Promise<number> {
  const { db, boot } = restored;
  const fatal = (msg: string, hint?: string): number => {
    ctx.err(`C | etcdmain: ${msg}\n`);
    if (hint) ctx.err(`(playground) ${hint}\n`);
    return 1;
  };
  if (boot.name !== name) return fatal(`couldn't find local name "${name}" in the initial cluster configuration`, `this data dir was restored for --name ${boot.name}.`);
  const made = restoreCluster(db, {
    skipHashCheck: true,
    members: boot.initialCluster.map((m) => ({ name: m.name, peerURLs: m.peerURLs })),
    clusterToken: boot.clusterToken,
    seed: ctx.world.etcd.cluster.seed,
  });
  if ('err' in made) return fatal(made.err);
  const pg = ctx.shell.host?.playgrounds;
  if (!pg) return fatal('cannot bootstrap a second cluster here', 'a restored cluster opens as a new playground, which needs the page.');
  const playground = dataDir.replace(/\/+$/, '').split('/').pop() || boot.name;
  ctx.out(`I | etcdmain: etcd Version: 3.4.23\n`);
  ctx.out(`I | embed: name = ${name}\n`);
  ctx.out(`I | embed: data dir = ${dataDir}\n`);
  ctx.out(`I | etcdserver: starting member ${boot.memberId} in cluster ${boot.clusterId}\n`);
  ctx.out(`(playground) the restored cluster opens as the new playground "${playground}"; \`playground switch\` goes back.\n`);
  try {
    await pg.importText(playground, encodePlaygroundFile(playgroundFileOf(made.cluster.cluster, playground)));
  } catch (e) {
    return fatal(e instanceof Error ? e.message : String(e));
  }
  return 0;
}
