// The corpus's cluster, simulated: start-cluster.sh's layout and start-up,
// and cluster-ctl.sh's actions (kill, stop, restart, start-new, make-leader,
// wait-healthy) on the engine, all in virtual time. Member etcdI serves
// clients on 127.0.0.1:(BASE+I) and peers on 127.0.0.1:(BASE+10+I), with the
// token etcd-cluster, so member and cluster IDs are real etcd's.
import type { RequestError } from '../../engine/api/service.ts';
import { Client } from '../../engine/client/client.ts';
import type { InitialMember } from '../../engine/cluster/member.ts';
import type { NodeId } from '../../engine/raft/types.ts';
import { EtcdCluster } from '../../engine/server/etcd-cluster.ts';
import { utf8 } from '../../engine/util/bytes.ts';
import { World } from '../core/world.ts';

export const BASE_PORT = 23790;
export const CLUSTER_TOKEN = 'etcd-cluster';
/** cluster-ctl.sh's ETCD_ORACLE_WAIT. */
const WAIT_LIMIT_MS = 30_000;
const POLL_MS = 200;

export const clientURL = (i: number): string => `http://127.0.0.1:${BASE_PORT + i}`;
export const peerURL = (i: number): string => `http://127.0.0.1:${BASE_PORT + 10 + i}`;

export function layoutMembers(n: number): InitialMember[] {
  return Array.from({ length: n }, (_, i) => ({ name: `etcd${i}`, peerURLs: [peerURL(i)], clientURLs: [clientURL(i)] }));
}

/** Thrown when a cluster action fails (the runner records "FAILED"). */
export class CtlError extends Error {}

export class CorpusCluster {
  private constructor(readonly world: World) {}

  /** start-cluster.sh: launch, wait until healthy, make etcd0 the leader, settle until 6 s after launch. */
  static async start(n: number, seed: number): Promise<CorpusCluster> {
    const etcd = new EtcdCluster({ seed, members: layoutMembers(n), clusterToken: CLUSTER_TOKEN });
    const c = new CorpusCluster(new World(etcd));
    const t0 = c.world.now();
    await c.waitHealthy();
    if (n > 1) {
      await c.makeLeader('etcd0');
      const left = t0 + 6000 - c.world.now();
      if (left > 0) await c.world.advance(left);
    }
    return c;
  }

  get etcd(): EtcdCluster {
    return this.world.etcd;
  }

  /** The member named name (initial or added with `member add NAME`). */
  id(name: string): NodeId {
    for (const m of this.etcd.cluster.members.values()) if (m.name === name && !this.etcd.cluster.removed.has(m.id)) return m.id;
    throw new CtlError(`cluster-ctl: no member ${name}`);
  }

  private running(id: NodeId): boolean {
    const life = this.etcd.cluster.nodes.get(id)?.life;
    return life === 'running' || life === 'paused';
  }

  /** Members whose process is alive (cluster-ctl's all_endpoints). */
  private alive(): NodeId[] {
    return [...this.etcd.cluster.nodes.keys()].filter((id) => this.running(id) && !this.etcd.cluster.removed.has(id));
  }

  /** Engine calls, each through a fresh client bound to one member, driven until all answer; their errors. */
  private async probe(ids: NodeId[], call: (c: Client, id: NodeId, cb: (err: RequestError | undefined) => void) => void): Promise<(RequestError | undefined)[]> {
    const errs: (RequestError | undefined)[] = [];
    let left = ids.length;
    ids.forEach((id, i) => {
      const client = new Client(this.etcd, { endpoints: [id], commandTimeoutMs: 2000, dialTimeoutMs: 1000 });
      call(client, id, (err) => {
        errs[i] = err;
        left--;
        client.close();
      });
    });
    // Every call has a 2 s deadline; the margin only guards against a call that never answers.
    await this.world.runUntil(() => left === 0, this.world.now() + 10_000);
    if (left > 0) throw new CtlError('cluster-ctl: a probe never answered');
    return errs;
  }

  /** `endpoint health` over ids: a quorum read of "health" on each (permission denied counts as healthy). */
  private async healthy(ids: NodeId[]): Promise<boolean> {
    const errs = await this.probe(ids, (c, _, cb) => c.get({ key: utf8('health') }, cb));
    return errs.every((e) => e === undefined || e.message.includes('permission denied'));
  }

  /** Polls check every 200 ms until it holds or the wait limit passes. */
  private async poll(check: () => Promise<boolean>, what: string): Promise<void> {
    const end = this.world.now() + WAIT_LIMIT_MS;
    while (this.world.now() < end) {
      if (await check()) return;
      await this.world.advance(POLL_MS);
    }
    throw new CtlError(`cluster-ctl: ${what}`);
  }

  async waitHealthy(): Promise<void> {
    await this.poll(() => this.healthy(this.alive()), 'cluster not healthy');
  }

  /** Until the member answers `endpoint status` (learners too). */
  private async waitServing(name: string): Promise<void> {
    const id = this.id(name);
    await this.poll(async () => {
      if (!this.running(id)) throw new CtlError(`cluster-ctl: ${name} exited`);
      return (await this.probe([id], (c, x, cb) => c.status(x, cb)))[0] === undefined;
    }, `${name} did not come up`);
  }

  /** SIGKILL: the process is gone, its data dir stays. */
  kill(name: string): Promise<void> {
    const id = this.id(name);
    if (!this.running(id)) throw new CtlError(`cluster-ctl: ${name} not running`);
    this.etcd.cluster.crash(id);
    return this.world.advance(0);
  }

  /** SIGTERM: etcd hands leadership over before it stops, then the process ends (data kept). */
  async stop(name: string): Promise<void> {
    const id = this.id(name);
    if (!this.running(id)) return;
    const c = this.etcd.cluster;
    if (c.leader()?.id === id) {
      const to = this.alive().find((x) => x !== id && c.memberStatus(x) === 'voter');
      if (to !== undefined && c.transferLeader(to) === undefined) {
        await this.world.runUntil(() => c.leader()?.id !== id, this.world.now() + 2000);
      }
    }
    c.crash(id);
    await this.world.advance(0);
  }

  async restart(name: string): Promise<void> {
    const id = this.id(name);
    if (this.running(id)) throw new CtlError(`cluster-ctl: ${name} is running`);
    const err = this.etcd.cluster.restart(id);
    if (err) throw new CtlError(err);
    await this.waitServing(name);
    await this.waitHealthy();
  }

  /**
   * A member added with `member add NAME`: launched with its corpus client URL
   * (--advertise-client-urls), then waited for until it serves.
   */
  async startNew(name: string): Promise<void> {
    const id = this.id(name);
    const m = this.etcd.cluster.members.get(id)!;
    const idx = /^etcd(\d+)$/.exec(name);
    if (idx) m.clientURLs = [clientURL(Number(idx[1]))];
    if (!this.running(id)) {
      const err = this.etcd.cluster.restart(id);
      if (err) throw new CtlError(err);
    }
    await this.waitServing(name);
  }

  /** move-leader until NAME leads (cluster-ctl tries 50 times, 200 ms apart). */
  async makeLeader(name: string): Promise<void> {
    const want = this.id(name);
    const c = this.etcd.cluster;
    for (let i = 0; i < 50; i++) {
      if (c.leader()?.id === want) return;
      if (c.leader()) c.transferLeader(want);
      await this.world.runUntil(() => c.leader()?.id === want, this.world.now() + POLL_MS);
    }
    throw new CtlError(`cluster-ctl: could not make ${name} leader`);
  }
}
