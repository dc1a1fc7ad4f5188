// Raft messages in flight, for the ring's animation. Fed the cluster trace's
// send/deliver/drop records (paired by mid) and asked, each frame, where every
// message is along its link.
//
// A message's true flight is its virtual send and delivery times. At 1x a
// 1-5 ms hop would be over before the next frame, so a flight is also
// stretched to last at least `minWallMs` of wall time: a message is drawn at
// the lesser of its virtual and its wall-clock progress. Slowed down (0.01x)
// the virtual progress rules and the animation is exact. The delivery time is
// only known when it happens; until then the flight heads for an estimate and
// waits just short of the receiver (a paused member's inbox, too).
// Wall times are passed in, so this stays pure and testable.
import type { MessageType } from '../../engine/raft/types.ts';
import type { MessageRecord, TraceRecord } from '../../engine/cluster/trace.ts';

export type MessageKind =
  | 'prevote'
  | 'prevote-resp'
  | 'vote'
  | 'vote-resp'
  | 'append'
  | 'append-resp'
  | 'heartbeat'
  | 'heartbeat-resp'
  | 'snapshot'
  | 'other';

const KINDS: Partial<Record<MessageType, MessageKind>> = {
  MsgPreVote: 'prevote',
  MsgPreVoteResp: 'prevote-resp',
  MsgVote: 'vote',
  MsgVoteResp: 'vote-resp',
  MsgApp: 'append',
  MsgAppResp: 'append-resp',
  MsgHeartbeat: 'heartbeat',
  MsgHeartbeatResp: 'heartbeat-resp',
  MsgSnap: 'snapshot',
};

export function kindOf(t: MessageType): MessageKind {
  return KINDS[t] ?? 'other';
}

/** Whether the kind answers a request (drawn in the response lane). */
export function isResponse(k: MessageKind): boolean {
  return k.endsWith('-resp');
}

export interface VisualMessage {
  mid: number;
  kind: MessageKind;
  rec: MessageRecord;
  sendT: number;
  /** Virtual delivery or drop time, once known. */
  endT: number | undefined;
  /** 0 at the sender's edge, 1 at the receiver's. */
  p: number;
  /** Set once dropped: the reason, and how far the burst animation has gone (0..1). */
  dropped: string | undefined;
  burst: number;
}

interface Flight {
  rec: MessageRecord;
  kind: MessageKind;
  sendT: number;
  estEndT: number;
  endT: number | undefined;
  wallSent: number;
  dropped: string | undefined;
  /** Where a dropped message burst, and when (wall). */
  dropP: number;
  wallDropped: number;
}

export interface TrackerOptions {
  /** Most messages kept; the oldest go first (default 200). */
  cap?: number;
  /** Shortest on-screen flight in wall ms (default 400). */
  minWallMs?: number;
  /** How long a drop's burst shows, wall ms (default 600). */
  burstWallMs?: number;
}

export class MessageTracker {
  private readonly flights = new Map<number, Flight>();
  private readonly cap: number;
  private readonly minWallMs: number;
  private readonly burstWallMs: number;
  /** Wall time of each member's last heartbeat send, for the sender's pulse. */
  private readonly beats = new Map<string, number>();

  constructor(opts: TrackerOptions = {}) {
    this.cap = opts.cap ?? 200;
    this.minWallMs = opts.minWallMs ?? 400;
    this.burstWallMs = opts.burstWallMs ?? 600;
  }

  /** Feeds one trace record; `expectedLatency` estimates the hop until the delivery is seen. */
  record(r: TraceRecord, wallNow: number, expectedLatency = 3): void {
    if (r.kind === 'send') {
      const kind = kindOf(r.type);
      if (kind === 'heartbeat') this.beats.set(r.from, wallNow);
      const { t: _t, kind: _k, ...rec } = r;
      this.flights.set(r.mid, {
        rec,
        kind,
        sendT: r.t,
        estEndT: r.t + Math.max(expectedLatency, 0.001),
        endT: undefined,
        wallSent: wallNow,
        dropped: undefined,
        dropP: 0,
        wallDropped: 0,
      });
      if (this.flights.size > this.cap) {
        // Maps iterate in insertion order: the first key is the oldest flight.
        const oldest = this.flights.keys().next().value;
        if (oldest !== undefined) this.flights.delete(oldest);
      }
    } else if (r.kind === 'deliver') {
      const f = this.flights.get(r.mid);
      // A duplicate's second delivery finds its flight already landed.
      if (f && f.endT === undefined) f.endT = r.t;
    } else if (r.kind === 'drop') {
      const f = this.flights.get(r.mid);
      if (!f || f.dropped !== undefined) return;
      f.dropped = r.reason;
      f.endT = r.t;
      // Burst where the message was when the wire broke; one dropped on sending still shows on its link.
      f.dropP = Math.max(0.2, Math.min(this.progress(f, r.t, wallNow), 0.9));
      f.wallDropped = wallNow;
    }
  }

  private progress(f: Flight, virtNow: number, wallNow: number): number {
    const end = f.endT ?? f.estEndT;
    const span = end - f.sendT;
    let pv = span > 0 ? (virtNow - f.sendT) / span : 1;
    if (f.endT === undefined) pv = Math.min(pv, 0.95);
    const pw = (wallNow - f.wallSent) / this.minWallMs;
    return Math.max(0, Math.min(1, pv, pw));
  }

  /** Where every message is now; landed ones and finished bursts are forgotten. */
  frame(virtNow: number, wallNow: number): VisualMessage[] {
    const out: VisualMessage[] = [];
    for (const [mid, f] of this.flights) {
      let p: number;
      let burst = 0;
      if (f.dropped !== undefined) {
        burst = (wallNow - f.wallDropped) / this.burstWallMs;
        if (burst >= 1) {
          this.flights.delete(mid);
          continue;
        }
        p = f.dropP;
      } else {
        p = this.progress(f, virtNow, wallNow);
        if (p >= 1 && f.endT !== undefined) {
          this.flights.delete(mid);
          continue;
        }
      }
      out.push({ mid, kind: f.kind, rec: f.rec, sendT: f.sendT, endT: f.endT, p, dropped: f.dropped, burst: Math.max(0, burst) });
    }
    return out;
  }

  /** How long ago (wall ms) a member last sent heartbeats, or Infinity. */
  sinceBeat(id: string, wallNow: number): number {
    const t = this.beats.get(id);
    return t === undefined ? Infinity : wallNow - t;
  }

  get size(): number {
    return this.flights.size;
  }

  clear(): void {
    this.flights.clear();
    this.beats.clear();
  }
}
