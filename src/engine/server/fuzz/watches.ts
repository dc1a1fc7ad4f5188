// The fuzz's watchers: a few client watches (each on its own Client) over a
// key, a key range or every fuzz key, from revision 1 or from "now", some
// with prev_kv or a filter, kept open for the whole run while their members
// crash and they resume elsewhere. Every response is recorded for the watch
// checks; progress is requested now and then. A watch canceled because its
// next revision was compacted is replaced by a new one from "now".
import { Client } from '../../client/client.ts';
import type { ClientWatch } from '../../client/watch.ts';
import type { WatchFilter, WatchResponse } from '../../mvcc/watch-types.ts';
import type { EtcdCluster } from '../etcd-cluster.ts';
import type { Prng } from '../../util/prng.ts';
import { utf8 } from '../../util/bytes.ts';
import { KEYS, shuffled } from './workload.ts';

/** Most replacements of one watch slot (after compaction cancels). */
const MAX_REOPEN = 8;

export interface WatchSpec {
  key: string;
  /** Undefined: the key alone; else [key, rangeEnd). */
  rangeEnd?: string;
  prevKv: boolean;
  filter?: WatchFilter;
  /** 0: from now. */
  startRevision: number;
}

export interface WatchRecord {
  id: number;
  spec: WatchSpec;
  /** Virtual time the watch was opened. */
  openedAt: number;
  /** Header revision of the created response (the watch starts after it when from now). */
  createdRevision?: number;
  responses: WatchResponse[];
  /** How many times the watch had resumed on another stream when each response arrived. */
  resumesAt: number[];
  /** Virtual time each response arrived. */
  times: number[];
  /** Set when the server canceled it (compaction). */
  canceled?: { compactRevision: number; reason: string };
  cw: ClientWatch;
  /** Cache of the check: the last revision of the run this watch must deliver. */
  lastExpected?: number;
}

/** Does key fall in the watch's range? */
export function inRange(spec: WatchSpec, key: string): boolean {
  return spec.rangeEnd === undefined ? key === spec.key : key >= spec.key && key < spec.rangeEnd;
}

export class Watchers {
  readonly records: WatchRecord[] = [];
  private stopped = false;

  constructor(
    private readonly ec: EtcdCluster,
    private readonly prng: Prng,
    private readonly endpoints: readonly string[],
    /** --bug watch-skip: a resumed watch skips one revision. */
    private readonly skipOnResume: boolean,
  ) {}

  /** Opens n watch slots at random moments in the first openWithinMs. */
  start(n: number, openWithinMs: number): void {
    for (let i = 0; i < n; i++) {
      const client = new Client(this.ec, { endpoints: shuffled(this.prng, this.endpoints) });
      const spec = this.randomSpec();
      const at = spec.startRevision === 1 && this.prng.chance(0.5) ? 0 : this.prng.int(openWithinMs);
      this.ec.after(at, () => this.open(client, spec, 0));
    }
  }

  private randomSpec(): WatchSpec {
    const p = this.prng;
    const r = p.int(3);
    const a = p.int(KEYS.length);
    const b = a + 1 + p.int(KEYS.length - a);
    const range = r === 0 ? { key: 'k', rangeEnd: 'l' } : r === 1 ? { key: KEYS[a]! } : { key: KEYS[a]!, rangeEnd: b < KEYS.length ? KEYS[b]! : 'l' };
    const filter: WatchFilter | undefined = p.chance(0.15) ? (p.chance(0.5) ? 'NOPUT' : 'NODELETE') : undefined;
    return { ...range, prevKv: p.chance(0.5), filter, startRevision: p.chance(0.5) ? 1 : 0 };
  }

  private open(client: Client, spec: WatchSpec, reopened: number): void {
    if (this.stopped) return;
    const rec: WatchRecord = {
      id: this.records.length,
      spec,
      openedAt: this.ec.now(),
      responses: [],
      resumesAt: [],
      times: [],
      cw: undefined as unknown as ClientWatch,
    };
    this.records.push(rec);
    rec.cw = client.watch(
      {
        key: utf8(spec.key),
        rangeEnd: spec.rangeEnd === undefined ? undefined : utf8(spec.rangeEnd),
        startRevision: spec.startRevision,
        prevKv: spec.prevKv,
        filters: spec.filter ? [spec.filter] : undefined,
        createdNotify: true,
      },
      (resp) => {
        if (resp.created && rec.createdRevision === undefined && !resp.canceled) {
          rec.createdRevision = resp.header.revision;
          return;
        }
        if (resp.canceled) {
          rec.canceled = { compactRevision: resp.compactRevision, reason: resp.cancelReason };
          if (reopened < MAX_REOPEN) this.ec.after(this.prng.int(200), () => this.open(client, { ...spec, startRevision: 0 }, reopened + 1));
          return;
        }
        rec.responses.push(resp);
        rec.resumesAt.push(rec.cw.resumes);
        rec.times.push(this.ec.now());
      },
    );
    if (this.skipOnResume) plantSkip(rec.cw);
    this.progressLoop(rec);
  }

  /** Asks for a progress notification every few hundred ms while the watch is open. */
  private progressLoop(rec: WatchRecord): void {
    this.ec.after(200 + this.prng.int(800), () => {
      if (this.stopped || rec.canceled || rec.cw.canceled) return;
      rec.cw.requestProgress();
      this.progressLoop(rec);
    });
  }

  /** Closes every watch (the run is over). */
  stop(): void {
    this.stopped = true;
    for (const r of this.records) r.cw.cancel();
  }
}

/** The watch-skip bug: when the watch resumes on another stream, it asks for one revision too many. */
function plantSkip(cw: ClientWatch): void {
  const start = cw.start.bind(cw);
  let seen = 0;
  cw.start = () => {
    if (cw.resumes > seen) {
      seen = cw.resumes;
      if (cw.nextRev > 0) cw.nextRev++;
    }
    start();
  };
}
