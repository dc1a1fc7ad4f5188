// What happened in a simulated cluster, as plain-data records stamped with
// virtual time: messages sent, delivered and dropped, raft state changes,
// node lifecycle, network changes and each node's etcd-style log lines.
// Records are only built when someone can see them (`on`), so a benchmark
// that neither keeps nor subscribes pays nothing.
import type { MessageType, NodeId } from '../raft/types.ts';
import type { DropReason } from './network.ts';

export type Role = 'leader' | 'follower' | 'pre-candidate' | 'candidate' | 'learner' | 'stopped' | 'paused';

/** The fields of a raft message worth showing; never the message itself (it may hold big payloads). */
export interface MessageRecord {
  /** Per-cluster send counter: pairs a send with its deliveries or drop. */
  mid: number;
  from: NodeId;
  to: NodeId;
  type: MessageType;
  term: number;
  logTerm: number;
  index: number;
  commit: number;
  entries: number;
  reject: boolean;
}

export type TraceRecord =
  | ({ t: number; kind: 'send' } & MessageRecord)
  | ({ t: number; kind: 'deliver' } & MessageRecord)
  | ({ t: number; kind: 'drop'; reason: DropReason } & MessageRecord)
  | { t: number; kind: 'state'; node: NodeId; role: Role; term: number; vote: NodeId; lead: NodeId; commit: number }
  | { t: number; kind: 'log'; node: NodeId; level: LogLevel; pkg: string; text: string }
  | { t: number; kind: 'node'; node: NodeId; event: 'start' | 'crash' | 'restart' | 'pause' | 'resume' | 'stop' }
  | { t: number; kind: 'net'; change: string };

/** capnslog's level letters, as etcd 3.4 prints them. */
export type LogLevel = 'D' | 'I' | 'N' | 'W' | 'E' | 'C';

export type TraceListener = (r: TraceRecord) => void;

export class Trace {
  private buf: (TraceRecord | undefined)[];
  private head = 0;
  private count = 0;
  private listeners: TraceListener[] = [];
  /** Whether records are wanted at all; check before building one. */
  on: boolean;

  constructor(private capacity: number = 10000) {
    this.buf = new Array<TraceRecord | undefined>(capacity);
    this.on = capacity > 0;
  }

  subscribe(fn: TraceListener): () => void {
    this.listeners.push(fn);
    this.on = true;
    return () => {
      this.listeners = this.listeners.filter((l) => l !== fn);
      this.on = this.capacity > 0 || this.listeners.length > 0;
    };
  }

  private lifecycleListeners: TraceListener[] = [];
  /** Whether someone wants just the 'state' and 'node' records (a few per election, cheap). */
  lifecycle = false;

  /**
   * Listens to raft state changes and node lifecycle events only, without
   * turning on the per-message records (the etcd server needs these to follow
   * leadership; a benchmark must not pay for the rest).
   */
  subscribeLifecycle(fn: TraceListener): () => void {
    this.lifecycleListeners.push(fn);
    this.lifecycle = true;
    return () => {
      this.lifecycleListeners = this.lifecycleListeners.filter((l) => l !== fn);
      this.lifecycle = this.lifecycleListeners.length > 0;
    };
  }

  push(r: TraceRecord): void {
    if (this.capacity > 0) {
      this.buf[(this.head + this.count) % this.capacity] = r;
      if (this.count < this.capacity) this.count++;
      else this.head = (this.head + 1) % this.capacity;
    }
    for (const l of this.listeners) l(r);
    if (this.lifecycle && (r.kind === 'state' || r.kind === 'node')) for (const l of this.lifecycleListeners) l(r);
  }

  /** The kept records, oldest first (at most `capacity`). */
  records(): TraceRecord[] {
    const out: TraceRecord[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.buf[(this.head + i) % this.capacity]!);
    return out;
  }

  clear(): void {
    this.buf = new Array<TraceRecord | undefined>(this.capacity);
    this.head = 0;
    this.count = 0;
  }
}
