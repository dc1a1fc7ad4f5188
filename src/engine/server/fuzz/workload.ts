// The fuzz's clients: each is a sequential process with its own Client (its
// own endpoint order) issuing random KV, txn, lease and compaction requests
// until the run's operation budget is spent, recording each call and reply.
// Keys come from a small set so that clients contend; values are unique, so
// a read names the write it saw. Lease IDs are chosen by the clients, so a
// grant whose reply was lost is still known to the model. Half the leases
// live for the whole run and may be revoked; the others have TTLs of a few
// seconds and are never revoked by a client: some are left to expire, some
// are kept alive (while the workload runs) by the client that granted them.
import { Client } from '../../client/client.ts';
import type { CompactionResponse, DeleteRangeResponse, PutResponse, RangeResponse, TxnRequest, TxnResponse } from '../../mvcc/rpc.ts';
import type { RequestError } from '../../api/service.ts';
import type { LeaseRevokeResponse } from '../../lease/types.ts';
import { ErrLeaseNotFound } from '../../lease/errors.ts';
import type { EtcdCluster } from '../etcd-cluster.ts';
import type { Prng } from '../../util/prng.ts';
import { utf8 } from '../../util/bytes.ts';
import type { EtcdCompare } from '../../check/models/etcd-types.ts';
import type { Operation } from '../../check/types.ts';
import { ClientHistory, type Stamper, errorOutput, toEtcdKv, txnOutput } from './history.ts';
import type { FuzzInput, FuzzOutput } from './model.ts';

export const KEYS = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5'];
/** Far longer than any run: these leases end only by revocation. */
const LEASE_TTL_S = 3600;
/** Short leases: TTLs of SHORT_TTL_S..SHORT_TTL_S+2 seconds (etcd's minimum here is 2). */
const SHORT_TTL_S = 2;

/** Longest pause between one client's requests (ms). */
const THINK_MS = 60;

/** What the run knows of a lease a client asked for. */
export interface LeaseInfo {
  kind: 'long' | 'expiring' | 'kept';
  /** TTL asked for, in seconds. */
  ttl: number;
  /** Virtual time the grant was sent: the lease cannot expire before this plus the TTL. */
  grantCall: number;
  /** The grant's reply said it was granted. */
  granted?: boolean;
}

export interface WorkloadConfig {
  ec: EtcdCluster;
  prng: Prng;
  stamper: Stamper;
  /** Member names the clients may dial (each client shuffles them). */
  endpoints: readonly string[];
  clients: number;
  /** Total random operations (liveness probes come on top). */
  ops: number;
  compact: boolean;
  /** --bug stale-read: linearizable gets are sent as serializable ones. */
  staleReads: boolean;
}

interface Seen {
  value: string;
  mod: number;
}

class FuzzClient {
  readonly client: Client;
  private n = 0;
  /** What this client last saw of each key, for compare-and-swap guards. */
  private readonly seen = new Map<string, Seen | null>();
  maxRevision = 1;
  busy = false;
  /** The last error this client got, with the endpoint it was pinned to (for liveness witnesses). */
  lastError = '';

  constructor(
    readonly id: number,
    private readonly w: Workload,
    endpoints: string[],
  ) {
    this.client = new Client(w.cfg.ec, { endpoints });
  }

  private call<T>(
    input: FuzzInput,
    send: (cb: (err: RequestError | undefined, resp?: T) => void) => void,
    out: (resp: T) => FuzzOutput,
    done: (ok: boolean) => void,
  ): void {
    const h = this.w.history;
    const callT = this.w.cfg.stamper.stamp();
    this.busy = true;
    send((err, resp) => {
      this.busy = false;
      if (err) this.lastError = `${err.message} (pinned to ${this.client.activeEndpoint() ?? 'no endpoint up'})`;
      const output = err ? errorOutput(err) : out(resp!);
      const isRead = input.type === 'get' || (input.type === 'txn' && input.success.every((o) => o.type === 'get') && input.failure.every((o) => o.type === 'get'));
      // A read that failed constrains nothing.
      if (!(isRead && (output.type === 'unknown' || output.type === 'failed'))) {
        const op: Operation<FuzzInput, FuzzOutput> = { clientId: this.id, input, call: callT, output, return: output.type === 'unknown' ? Infinity : this.w.cfg.stamper.stamp() };
        h.add(op);
      }
      if ('revision' in output && output.revision > this.maxRevision) this.maxRevision = output.revision;
      this.learn(input, output);
      done(!err);
    });
  }

  private learn(input: FuzzInput, output: FuzzOutput): void {
    if (input.type === 'get' && output.type === 'get') {
      const kv = output.kvs[0];
      this.seen.set(input.key, kv ? { value: kv.value, mod: kv.modRevision } : null);
    } else if (input.type === 'put' && output.type === 'put') {
      this.seen.set(input.key, { value: input.value, mod: output.revision });
    }
  }

  private value(): string {
    return `c${this.id}.${this.n++}`;
  }

  /** One random operation; done() runs when it completed. */
  next(done: () => void): void {
    const p = this.w.cfg.prng;
    const c = this.client;
    const key = KEYS[p.int(KEYS.length)]!;
    const r = p.int(100);
    if (r < 22) return this.get(key, done);
    if (r < 32) return this.serialGet(key, done);
    if (r < 54) {
      const value = this.value();
      return this.call<PutResponse>({ type: 'put', key, value }, (cb) => c.put({ key: utf8(key), value: utf8(value) }, cb), (x) => ({ type: 'put', revision: x.header.revision }), done);
    }
    if (r < 60) {
      return this.call<DeleteRangeResponse>({ type: 'delete', key }, (cb) => c.del({ key: utf8(key) }, cb), (x) => ({ type: 'delete', revision: x.header.revision, deleted: x.deleted }), done);
    }
    if (r < 76) return this.txn(key, done);
    if (r < 80) return this.grant(done);
    if (r < 84 && this.w.revocable.length > 0) {
      const id = this.w.revocable[p.int(this.w.revocable.length)]!;
      return this.call<LeaseRevokeResponse>({ type: 'leaseRevoke', id }, (cb) => c.leaseRevoke({ ID: id }, cb), (x) => ({ type: 'leaseRevoke', revision: x.header.revision }), done);
    }
    if (r < 92 && this.w.leases.length > 0) {
      // One of the newest leases: most likely still live, so its keys are there for a revoke or an expiry to delete.
      const ls = this.w.leases;
      const lease = ls[ls.length - 1 - p.int(Math.min(3, ls.length))]!;
      const value = this.value();
      return this.call<PutResponse>({ type: 'put', key, value, lease }, (cb) => c.put({ key: utf8(key), value: utf8(value), lease }, cb), (x) => ({ type: 'put', revision: x.header.revision }), done);
    }
    if (r < 95 && this.w.cfg.compact && this.maxRevision > 2) return this.compact(done);
    return this.get(key, done);
  }

  /** A lease grant: long-lived and revocable, or short and left to expire, or short and kept alive. */
  private grant(done: () => void): void {
    const lp = this.w.leasePrng;
    const draw = lp.int(4);
    const kind = draw < 2 ? 'long' : draw === 2 ? 'expiring' : 'kept';
    const ttl = kind === 'long' ? LEASE_TTL_S : SHORT_TTL_S + lp.int(3);
    const id = this.w.newLease(this.id, { kind, ttl, grantCall: this.w.cfg.ec.now() });
    this.call(
      { type: 'leaseGrant', id },
      (cb) => this.client.leaseGrant({ ID: id, TTL: ttl }, cb),
      () => ({ type: 'leaseGrant' }),
      (ok) => {
        if (ok) this.w.leaseInfo.get(id)!.granted = true;
        if (ok && kind === 'kept') this.keepAlive(id, ttl);
        done();
      },
    );
  }

  /** Renews the lease every third of its TTL until the workload stops or the lease is gone. */
  private keepAlive(id: string, ttl: number): void {
    const ec = this.w.cfg.ec;
    ec.after((ttl * 1000) / 3, () => {
      if (this.w.stopped) return;
      this.client.keepAliveOnce(id, (err) => {
        this.w.keepAlives++;
        if (err?.message !== ErrLeaseNotFound) this.keepAlive(id, ttl);
      });
    });
  }

  /** A linearizable get (or, for stale-read, a local one passed off as linearizable). */
  get(key: string, done: (ok: boolean) => void): void {
    const serializable = this.w.cfg.staleReads;
    this.call<RangeResponse>(
      { type: 'get', key },
      (cb) => this.client.get({ key: utf8(key), serializable }, cb),
      (x) => ({ type: 'get', revision: x.header.revision, kvs: x.kvs.map(toEtcdKv) }),
      done,
    );
  }

  probeGet(key: string, done: (ok: boolean) => void): void {
    this.get(key, done);
  }

  probePut(key: string, done: (ok: boolean) => void): void {
    const value = this.value();
    this.call<PutResponse>({ type: 'put', key, value }, (cb) => this.client.put({ key: utf8(key), value: utf8(value) }, cb), (x) => ({ type: 'put', revision: x.header.revision }), done);
  }

  private serialGet(key: string, done: () => void): void {
    const callT = this.w.cfg.stamper.stamp();
    this.busy = true;
    this.client.get({ key: utf8(key), serializable: true }, (err, resp) => {
      this.busy = false;
      if (!err && resp) {
        this.w.history.serial.push({
          clientId: this.id,
          member: resp.header.memberId,
          key,
          revision: resp.header.revision,
          kvs: resp.kvs.map(toEtcdKv),
          call: callT,
          return: this.w.cfg.stamper.stamp(),
        });
      }
      done();
    });
  }

  private txn(key: string, done: () => void): void {
    const p = this.w.cfg.prng;
    const seen = this.seen.get(key);
    const value = this.value();
    let compare: EtcdCompare;
    const form = p.int(3);
    if (form === 0) compare = { key, target: 'mod', op: '=', value: seen ? seen.mod : p.int(3) === 0 ? 0 : this.maxRevision };
    else if (form === 1 && seen) compare = { key, target: 'value', op: '=', value: seen.value };
    else compare = { key, target: 'version', op: '=', value: 0 };
    const input: FuzzInput = { type: 'txn', compare: [compare], success: [{ type: 'put', key, value }], failure: [{ type: 'get', key }] };
    const cmp = compare;
    const req: TxnRequest = {
      compare: [
        cmp.target === 'value'
          ? { key: utf8(key), target: 'VALUE', result: 'EQUAL', value: utf8(cmp.value) }
          : cmp.target === 'mod'
            ? { key: utf8(key), target: 'MOD', result: 'EQUAL', modRevision: cmp.value }
            : { key: utf8(key), target: 'VERSION', result: 'EQUAL', version: cmp.value as number },
      ],
      success: [{ requestPut: { key: utf8(key), value: utf8(value) } }],
      failure: [{ requestRange: { key: utf8(key) } }],
    };
    this.call<TxnResponse>(input, (cb) => this.client.txn(req, cb), txnOutput, done);
  }

  private compact(done: () => void): void {
    const p = this.w.cfg.prng;
    const rev = Math.max(2, this.maxRevision - p.int(15));
    const h = this.w.history;
    this.busy = true;
    const at = this.w.cfg.ec.now();
    this.client.compact({ revision: rev }, (err: RequestError | undefined, _resp?: CompactionResponse) => {
      this.busy = false;
      const o = err ? errorOutput(err).type : 'ok';
      h.compactions.push({ revision: rev, at, outcome: o === 'unknown' ? 'unknown' : o === 'failed' ? 'failed' : 'ok' });
      done();
    });
  }
}

export class Workload {
  readonly history = new ClientHistory();
  readonly clients: FuzzClient[] = [];
  /** Every lease ID any client asked for (granted or not): puts may attach to any. */
  readonly leases: string[] = [];
  /** The long-lived ones, which clients may revoke. */
  readonly revocable: string[] = [];
  readonly leaseInfo = new Map<string, LeaseInfo>();
  /** Lease kinds and TTLs come from a stream of their own. */
  readonly leasePrng: Prng;
  keepAlives = 0;
  issued = 0;
  stopped = false;

  constructor(readonly cfg: WorkloadConfig) {
    this.leasePrng = cfg.prng.fork('leases');
    for (let i = 0; i < cfg.clients; i++) {
      const eps = shuffled(cfg.prng, cfg.endpoints);
      this.clients.push(new FuzzClient(i, this, eps));
    }
  }

  newLease(client: number, info: LeaseInfo): string {
    const id = (0x100000 * (client + 1) + this.leases.length + 1).toString(16);
    this.leases.push(id);
    if (info.kind === 'long') this.revocable.push(id);
    this.leaseInfo.set(id, info);
    return id;
  }

  /** Starts every client's loop. */
  start(): void {
    for (const c of this.clients) this.loop(c);
  }

  private loop(c: FuzzClient): void {
    if (this.stopped || this.issued >= this.cfg.ops) return;
    this.issued++;
    c.next(() => this.cfg.ec.after(this.cfg.prng.int(THINK_MS + 1), () => this.loop(c)));
  }

  /** No new random operations from now on. */
  stop(): void {
    this.stopped = true;
  }

  /** Every client is idle and the budget is spent (or the workload was stopped). */
  finished(): boolean {
    return (this.stopped || this.issued >= this.cfg.ops) && this.clients.every((c) => !c.busy);
  }

  /**
   * Liveness probe: each client puts and then gets a key linearizably,
   * retrying after errors; done(failed) once every client succeeded or the
   * deadline passed, with the clients that did not.
   */
  probe(deadline: number, done: (failedClients: number[]) => void): void {
    const pending = new Set(this.clients.map((c) => c.id));
    let reported = false;
    const report = (): void => {
      if (reported) return;
      reported = true;
      done([...pending]);
    };
    const ec = this.cfg.ec;
    for (const c of this.clients) {
      const key = KEYS[c.id % KEYS.length]!;
      const retry = (fn: () => void): void => {
        if (!reported && ec.now() < deadline) ec.after(50, fn);
      };
      const get = (): void =>
        c.probeGet(key, (ok) => {
          if (!ok) return retry(get);
          pending.delete(c.id);
          if (pending.size === 0) report();
        });
      const put = (): void => c.probePut(key, (ok) => (ok ? get() : retry(put)));
      put();
    }
    ec.after(Math.max(0, deadline - ec.now()), report);
  }
}

/** A copy of xs in random order (Fisher-Yates). */
export function shuffled<T>(p: Prng, xs: readonly T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = p.int(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
