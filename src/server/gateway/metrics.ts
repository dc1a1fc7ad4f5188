// GET /metrics: one member's metrics in Prometheus' text format (0.0.4),
// under etcd 3.4's names and help texts, families sorted by name as
// etcd's registry writes them. Raft and store values come from the
// member's engine state at the time of the scrape; request counts from
// the counters kept where requests pass (rpc-stats.ts).
import type { EtcdCluster } from '../../engine/server/etcd-cluster.ts';
import type { NodeId } from '../../engine/raft/types.ts';
import { NONE } from '../../engine/raft/types.ts';
import { ETCD_VERSION } from '../../engine/server/maintenance.ts';
import { rangeFromWire } from '../grpc/codec-kv.ts';
import { GRPC_CODE_NAMES, type RpcStats } from './rpc-stats.ts';

type Kind = 'gauge' | 'counter';

interface Family {
  readonly name: string;
  readonly help: string;
  readonly kind: Kind;
  readonly samples: { labels?: Record<string, string>; value: number }[];
}

/** What a member's metrics are read from, besides its engine state. */
export interface MemberCounters {
  readonly rpc: RpcStats;
  leaderChanges: number;
  healthSuccess: number;
  healthFailures: number;
}

const one = (name: string, help: string, kind: Kind, value: number): Family => ({ name, help, kind, samples: [{ value }] });

function labelText(labels: Record<string, string> | undefined): string {
  if (!labels) return '';
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return `{${parts.join(',')}}`;
}

/** The text format: HELP, TYPE, then each sample. */
export function exposition(families: Family[]): string {
  let out = '';
  for (const f of [...families].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    out += `# HELP ${f.name} ${f.help}\n# TYPE ${f.name} ${f.kind}\n`;
    const lines = f.samples.map((s) => `${f.name}${labelText(s.labels)} ${s.value}`).sort();
    out += lines.map((l) => l + '\n').join('');
  }
  return out;
}

function grpcFamilies(rpc: RpcStats): Family[] {
  const handled: Family['samples'] = [];
  const started: Family['samples'] = [];
  const received: Family['samples'] = [];
  const sent: Family['samples'] = [];
  for (const m of rpc.methods) {
    const labels = { grpc_method: m.method, grpc_service: m.service, grpc_type: m.type };
    GRPC_CODE_NAMES.forEach((code, i) => handled.push({ labels: { ...labels, grpc_code: code }, value: m.handled[i] ?? 0 }));
    started.push({ labels, value: m.started });
    received.push({ labels, value: m.received });
    sent.push({ labels, value: m.sent });
  }
  return [
    { name: 'grpc_server_handled_total', help: 'Total number of RPCs completed on the server, regardless of success or failure.', kind: 'counter', samples: handled },
    { name: 'grpc_server_msg_received_total', help: 'Total number of RPC stream messages received on the server.', kind: 'counter', samples: received },
    { name: 'grpc_server_msg_sent_total', help: 'Total number of gRPC stream messages sent by the server.', kind: 'counter', samples: sent },
    { name: 'grpc_server_started_total', help: 'Total number of RPCs started on the server.', kind: 'counter', samples: started },
  ];
}

/** The process collector's main figures (every member runs in this one process). */
function processFamilies(): Family[] {
  const cpu = process.cpuUsage();
  return [
    one('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.', 'counter', (cpu.user + cpu.system) / 1e6),
    one('process_resident_memory_bytes', 'Resident memory size in bytes.', 'gauge', process.memoryUsage.rss()),
    one('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', 'gauge', Math.round(Date.now() / 1000 - process.uptime())),
  ];
}

/** Live keys in the member's store: a count-only range over every key. */
function liveKeys(cluster: EtcdCluster, id: NodeId): number {
  const kv = cluster.server(id)?.sm.kv;
  if (!kv) return 0;
  // Key "\0" with range end "\0": every key.
  const all = Buffer.from([0]);
  const r = kv.range(rangeFromWire({ key: all, rangeEnd: all, keysOnly: true, countOnly: true, serializable: true }));
  return r.count;
}

/** The member's metrics page. Runs inside the simulation (the caller enters the runner). */
export function memberMetrics(cluster: EtcdCluster, id: NodeId, counters: MemberCounters): string {
  const c = cluster.cluster;
  const node = c.nodes.get(id);
  const raft = node?.rn?.raft;
  const lead = raft?.lead ?? NONE;
  const sm = cluster.server(id)?.sm;
  const kv = sm?.kv;
  const watchable = sm?.openWatchable;
  const rpc = counters.rpc;
  const dbSize = kv?.dbSize ?? 0;
  const dbInUse = kv?.dbSizeInUse ?? 0;
  const learner = node?.confState.learners.includes(id) ?? false;
  const families: Family[] = [
    { name: 'etcd_cluster_version', help: "Which version is running. 1 for 'cluster_version' label with current cluster version", kind: 'gauge', samples: [{ labels: { cluster_version: '3.4' }, value: 1 }] },
    { name: 'etcd_server_version', help: "Which version is running. 1 for 'server_version' label with current version.", kind: 'gauge', samples: [{ labels: { server_version: ETCD_VERSION }, value: 1 }] },
    { name: 'etcd_server_id', help: "Server or member ID in hexadecimal format. 1 for 'server_id' label with current ID.", kind: 'gauge', samples: [{ labels: { server_id: id }, value: 1 }] },
    one('etcd_server_has_leader', 'Whether or not a leader exists. 1 is existence, 0 is not.', 'gauge', lead !== NONE ? 1 : 0),
    one('etcd_server_is_leader', 'Whether or not this member is a leader. 1 if is, 0 otherwise.', 'gauge', lead !== NONE && lead === id ? 1 : 0),
    one('etcd_server_is_learner', 'Whether or not this member is a learner. 1 if is, 0 otherwise.', 'gauge', learner ? 1 : 0),
    one('etcd_server_leader_changes_seen_total', 'The number of leader changes seen.', 'counter', counters.leaderChanges),
    one('etcd_server_proposals_committed_total', 'The total number of consensus proposals committed.', 'gauge', raft?.raftLog.committed ?? 0),
    one('etcd_server_proposals_applied_total', 'The total number of consensus proposals applied.', 'gauge', node?.applied ?? 0),
    one('etcd_server_proposals_pending', 'The current number of pending proposals to commit.', 'gauge', rpc.proposalsPending),
    one('etcd_server_proposals_failed_total', 'The total number of failed proposals seen.', 'counter', rpc.proposalsFailed),
    one('etcd_server_health_success', 'The total number of successful health checks', 'counter', counters.healthSuccess),
    one('etcd_server_health_failures', 'The total number of failed health checks', 'counter', counters.healthFailures),
    one('etcd_mvcc_db_total_size_in_bytes', 'Total size of the underlying database physically allocated in bytes.', 'gauge', dbSize),
    one('etcd_debugging_mvcc_db_total_size_in_bytes', 'Total size of the underlying database physically allocated in bytes.', 'gauge', dbSize),
    one('etcd_mvcc_db_total_size_in_use_in_bytes', 'Total size of the underlying database logically in use in bytes.', 'gauge', dbInUse),
    one('etcd_debugging_mvcc_keys_total', 'Total number of keys.', 'gauge', liveKeys(cluster, id)),
    one('etcd_debugging_mvcc_current_revision', 'The current revision of store.', 'gauge', kv?.rev ?? 0),
    one('etcd_debugging_mvcc_compact_revision', 'The revision of the last compaction in store.', 'gauge', Math.max(0, kv?.compactRevision ?? 0)),
    one('etcd_debugging_mvcc_watcher_total', 'Total number of watchers.', 'gauge', watchable?.watcherCount() ?? 0),
    one('etcd_debugging_mvcc_slow_watcher_total', 'Total number of unsynced slow watchers.', 'gauge', watchable?.slowWatcherCount() ?? 0),
    one('etcd_debugging_lease_granted_total', 'The total number of granted leases.', 'counter', rpc.leasesGranted),
    one('etcd_debugging_lease_revoked_total', 'The total number of revoked leases.', 'counter', rpc.leasesRevoked),
  ];
  // etcd 3.4 counts these under both names (etcd_debugging_mvcc_* are the deprecated ones).
  for (const [suffix, what, n] of [
    ['put_total', 'puts', rpc.puts],
    ['delete_total', 'deletes', rpc.deletes],
    ['txn_total', 'txns', rpc.txns],
    ['range_total', 'ranges', rpc.ranges],
  ] as const) {
    families.push(one(`etcd_mvcc_${suffix}`, `Total number of ${what} seen by this member.`, 'counter', n));
    families.push(one(`etcd_debugging_mvcc_${suffix}`, `Total number of ${what} seen by this member.`, 'counter', n));
  }
  return exposition([...families, ...grpcFamilies(rpc), ...processFamilies()]);
}
