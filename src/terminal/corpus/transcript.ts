// One command's result as the golden records it (run-scenario.py's
// render_stream and emit_result): stdout/stderr bytes decoded and escaped,
// normalized, panics cut, @uniq/@sort applied, then "1| " / "2| " lines, the
// no-newline markers and the exit line.
import type { Normalizer } from './normalizer.ts';
import { PBError, decodeProtobufStream } from './protobuf.ts';
import { decodeBackslashReplace } from './pystr.ts';
import type { Opts } from './scenario.ts';
import { canonicalOrder, collapseRepeats } from './table.ts';

function hex(b: Uint8Array): string {
  let s = '';
  for (const c of b) s += c.toString(16).padStart(2, '0');
  return s;
}

/** Bytes as text: protobuf decoded (when asked), else UTF-8 with control characters as \xNN. */
export function renderStream(b: Uint8Array, protobuf: boolean): string {
  if (protobuf && b.length > 0) {
    try {
      return decodeProtobufStream(b);
    } catch (e) {
      if (!(e instanceof PBError)) throw e;
      return '<hex>' + hex(b) + '\n';
    }
  }
  let s = decodeBackslashReplace(b);
  // check perf's progress bar: "\r 12 / 60   20.00% 00m48s" repeated
  s = s.replace(/(?:\r *\d+ \/ \d+ +\d+\.\d+%(?: \S+)?)+/g, '<PROGRESS BAR>');
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}

/** Whether etcdctl was asked for -w protobuf (the runner's test, token by token). */
export function isProtobuf(args: readonly string[]): boolean {
  for (let j = 0; j < args.length; j++) {
    const a = args[j]!;
    if ((a === '-w' || a === '--write-out') && args[j + 1] === 'protobuf') return true;
    if (a === '-wprotobuf' || a === '--write-out=protobuf' || a === '-w=protobuf') return true;
  }
  return false;
}

/** The golden lines for one finished command. */
export function resultLines(norm: Normalizer, out: Uint8Array, err: Uint8Array, rc: string, opts: Opts, protobuf: boolean): string[] {
  const lines: string[] = [];
  let stdout = norm.normText(renderStream(out, protobuf));
  let stderr = norm.normText(renderStream(err, false));
  const m = /(?<![^\n])panic: [^\n]*\n/.exec(stderr);
  if (m) stderr = stderr.slice(0, m.index + m[0].length) + '<Go panic stack trace elided by runner>\n';
  if (opts.uniq) {
    stdout = collapseRepeats(stdout);
    stderr = collapseRepeats(stderr);
    lines.push('# (runner: consecutive repeated lines collapsed by @uniq)');
  }
  if (opts.sort) {
    stdout = canonicalOrder(stdout);
    stderr = canonicalOrder(stderr);
    lines.push('# (runner: output order canonicalized by @sort)');
  }
  for (const [tag, text] of [
    ['1', stdout],
    ['2', stderr],
  ] as const) {
    if (!text) continue;
    const body = text.endsWith('\n') ? text.slice(0, -1) : text;
    for (const l of body.split('\n')) lines.push(l ? `${tag}| ${l}` : `${tag}|`);
    if (!text.endsWith('\n')) lines.push(`${tag}\\ (no newline at end)`);
  }
  lines.push(`exit: ${rc}`);
  return lines;
}

/** The runner learns the ID of a member added with `member add NAME` from the command's output. */
export function learnAddedMember(norm: Normalizer, args: readonly string[], stdout: string): void {
  const i = args.indexOf('member');
  if (i < 0) return;
  const rest = args.slice(i + 1).filter((a) => !a.startsWith('-'));
  if (rest.length < 2 || rest[0] !== 'add') return;
  const name = rest[1]!;
  let m = /Member\s+([0-9a-f]+) added to cluster\s+([0-9a-f]+)/.exec(stdout);
  if (m) return norm.addMember(BigInt('0x' + m[1]!), name, true);
  m = /"member":\{"ID":(\d+)/.exec(stdout);
  if (m) norm.addMember(BigInt(m[1]!), name, true);
}
