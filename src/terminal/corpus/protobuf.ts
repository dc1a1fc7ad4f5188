// `protoc --decode_raw`-style rendering of etcdctl's -w protobuf output, as
// the corpus runner does it: the raw (unframed) message bytes become
// "<protobuf>" and one "field: value" / "field {" line each; a byte string
// that is printable stays a string, otherwise it is shown as a nested message
// if it parses as one. Raft terms in response headers become <TERM>.

export class PBError extends Error {}

type PBField = { fno: number; kind: 'varint' | 'fixed64' | 'fixed32'; v: bigint } | { fno: number; kind: 'bytes'; v: Uint8Array };

function varint(buf: Uint8Array, i: number): [bigint, number] {
  let shift = 0n;
  let val = 0n;
  for (;;) {
    if (i >= buf.length) throw new PBError('truncated varint');
    const b = buf[i++]!;
    val |= BigInt(b & 0x7f) << shift;
    if (!(b & 0x80)) return [val, i];
    shift += 7n;
    if (shift > 70n) throw new PBError('varint too long');
  }
}

function littleEndian(buf: Uint8Array, i: number, n: number): bigint {
  let v = 0n;
  for (let k = n - 1; k >= 0; k--) v = (v << 8n) | BigInt(buf[i + k]!);
  return v;
}

export function pbParse(buf: Uint8Array): PBField[] {
  const fields: PBField[] = [];
  let i = 0;
  while (i < buf.length) {
    let key: bigint;
    [key, i] = varint(buf, i);
    const fnoBig = key >> 3n;
    const wt = Number(key & 7n);
    if (fnoBig === 0n || fnoBig > 536870911n) throw new PBError('bad field number');
    const fno = Number(fnoBig);
    if (wt === 0) {
      let v: bigint;
      [v, i] = varint(buf, i);
      fields.push({ fno, kind: 'varint', v });
    } else if (wt === 1) {
      if (i + 8 > buf.length) throw new PBError('truncated fixed64');
      fields.push({ fno, kind: 'fixed64', v: littleEndian(buf, i, 8) });
      i += 8;
    } else if (wt === 2) {
      let ln: bigint;
      [ln, i] = varint(buf, i);
      if (BigInt(i) + ln > BigInt(buf.length)) throw new PBError('truncated bytes');
      const n = Number(ln);
      fields.push({ fno, kind: 'bytes', v: buf.slice(i, i + n) });
      i += n;
    } else if (wt === 5) {
      if (i + 4 > buf.length) throw new PBError('truncated fixed32');
      fields.push({ fno, kind: 'fixed32', v: littleEndian(buf, i, 4) });
      i += 4;
    } else {
      throw new PBError(`unsupported wire type ${wt}`);
    }
  }
  return fields;
}

function printable(b: Uint8Array): boolean {
  return b.every((c) => c >= 0x20 && c < 0x7f);
}

/** Bytes as a protoc string literal: printable ASCII as is, " and \ escaped, the rest \xNN. */
export function escapeBytes(b: Uint8Array): string {
  let s = '';
  for (const c of b) {
    if (c === 0x22) s += '\\"';
    else if (c === 0x5c) s += '\\\\';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += '\\x' + c.toString(16).padStart(2, '0');
  }
  return s;
}

/** The lines of one message; throws PBError if buf is not a message. */
export function pbRender(buf: Uint8Array, indent = 0, path: readonly number[] = []): string[] {
  const out: string[] = [];
  const pad = '  '.repeat(indent);
  const fields = pbParse(buf);
  // lease grant/timetolive/keep-alive print a bare ResponseHeader (1 cluster_id .. 4 raft_term).
  const first = fields[0];
  const bareHeader =
    path.length === 0 &&
    first !== undefined &&
    fields.every((f) => f.kind === 'varint' && f.fno >= 1 && f.fno <= 4) &&
    first.fno === 1 &&
    (first.v as bigint) >= 2n ** 32n;
  for (const f of fields) {
    const p = [...path, f.fno];
    if (f.kind === 'bytes') {
      let sub: string[] | undefined;
      if (f.v.length > 0 && !printable(f.v)) {
        try {
          sub = pbRender(f.v, indent + 1, p);
        } catch (e) {
          if (!(e instanceof PBError)) throw e;
        }
      }
      if (sub !== undefined) out.push(`${pad}${f.fno} {`, ...sub, `${pad}}`);
      else out.push(`${pad}${f.fno}: "${escapeBytes(f.v)}"`);
    } else {
      // ResponseHeader (field 1 of every response): 4 = raft_term.
      const isTerm = (p.length === 2 && p[0] === 1 && p[1] === 4) || (bareHeader && p.length === 1 && p[0] === 4);
      out.push(`${pad}${f.fno}: ${isTerm ? '<TERM>' : f.v.toString()}`);
    }
  }
  return out;
}

/** All positions of '\n' in b. */
function newlines(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < b.length; i++) if (b[i] === 0x0a) out.push(i);
  return out;
}

/** Greedy split at newlines into messages that each decode (shortest first), the rest decodable too. */
function decodeSplit(data: Uint8Array): string {
  const msgs: string[][] = [];
  let rest = data;
  while (rest.length > 0) {
    let done = false;
    for (const pos of newlines(rest)) {
      let lines: string[];
      try {
        lines = pbRender(rest.subarray(0, pos));
      } catch (e) {
        if (e instanceof PBError) continue;
        throw e;
      }
      const tail = rest.subarray(pos + 1);
      if (tail.length > 0) {
        try {
          decodeSplit(tail);
        } catch (e) {
          if (e instanceof PBError) continue;
          throw e;
        }
      }
      msgs.push(lines);
      rest = tail;
      done = true;
      break;
    }
    if (!done) throw new PBError('cannot split protobuf stream');
  }
  const out: string[] = [];
  msgs.forEach((lines, i) => out.push(`<protobuf message ${i + 1}>`, ...lines));
  return out.join('\n') + '\n';
}

/** etcdctl -w protobuf output as the runner renders it (throws PBError if it is no protobuf). */
export function decodeProtobufStream(data: Uint8Array): string {
  try {
    return '<protobuf>\n' + pbRender(data).join('\n') + '\n';
  } catch (e) {
    if (!(e instanceof PBError)) throw e;
  }
  return decodeSplit(data);
}
