// etcd 3.4's default log format (--logger=capnslog) on stderr:
//   2026-11-21 09:36:48.186836 I | etcdserver: starting member 8e9e05c52164694d in cluster cdf818194e3a8c32
// and raft's own lines, which 3.4 prints through Go's log package:
//   raft2026/11/21 09:36:48 INFO: 8e9e05c52164694d became leader at term 2
// Times are local, as Go's time.Now() prints them. A process serving several
// members prefixes each line with the member's name, like a Procfile runner.
import { performance } from 'node:perf_hooks';
import type { LogLevel } from '../engine/cluster/trace.ts';

const RAFT_LEVEL: Record<LogLevel, string> = { D: 'DEBUG', I: 'INFO', N: 'INFO', W: 'WARN', E: 'ERROR', C: 'PANIC' };

const p2 = (n: number): string => String(n).padStart(2, '0');

/** Wall time with microseconds (Date has only milliseconds). */
function nowMicros(): { d: Date; micros: number } {
  const t = performance.timeOrigin + performance.now();
  const ms = Math.floor(t);
  return { d: new Date(ms), micros: Math.floor((t - ms) * 1000) + (ms % 1000) * 1000 };
}

export function capnslogLine(level: LogLevel, pkg: string, text: string): string {
  const { d, micros } = nowMicros();
  const date = `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}`;
  const time = `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${String(micros).padStart(6, '0')}`;
  return `${date} ${time} ${level} | ${pkg}: ${text}`;
}

export function raftLine(level: LogLevel, text: string): string {
  const d = new Date();
  const stamp = `${d.getFullYear()}/${p2(d.getMonth() + 1)}/${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
  return `raft${stamp} ${RAFT_LEVEL[level]}: ${text}`;
}

export type LogSink = (line: string) => void;

/** Writes etcd-style lines; `member` prefixes them when several members share the process. */
export class EtcdLogger {
  constructor(
    private readonly sink: LogSink = (line) => process.stderr.write(line + '\n'),
    private readonly prefixed = false,
  ) {}

  log(level: LogLevel, pkg: string, text: string, member?: string): void {
    const line = pkg === 'raft' ? raftLine(level, text) : capnslogLine(level, pkg, text);
    this.sink(this.prefixed && member !== undefined ? `${member} | ${line}` : line);
  }
}
