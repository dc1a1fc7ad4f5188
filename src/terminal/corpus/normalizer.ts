// The corpus normalizer (run-scenario.py's Normalizer): run-dependent values
// in etcdctl's output become the README's placeholders, and nothing else
// does. Every rule is the runner's, regex for regex; Python's (?m)^ and $
// are written as (?<![^\n]) and (?![^\n]), and its "." as [^\n], so they mean
// exactly what they mean there.
import { pySorted, splitlinesKeepends } from './pystr.ts';
import { findTables, isBorder, renderTable, splitRow } from './table.ts';

const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const DURATION = String.raw`\d+(?:\.\d+)?(?:ns|µs|us|ms|s|m|h)(?:\d+(?:\.\d+)?(?:ns|µs|us|ms|s))*`;
const SIZE = String.raw`\d+(?:\.\d+)? (?:B|kB|MB|GB)`;
const BOL = '(?<![^\\n])';
const EOL = '(?![^\\n])';

const hexOf = (v: bigint): string => v.toString(16);
const isDigits = (s: string): boolean => /^[0-9]+$/.test(s);
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** base64.b64decode(s, validate=True), or undefined where Python raises. */
export function b64decodeStrict(s: string): Uint8Array | undefined {
  const m = /^([A-Za-z0-9+/]*)(={0,2})$/.exec(s);
  if (!m) return undefined;
  const data = m[1]!;
  const pads = m[2]!.length;
  const r = data.length % 4;
  if (r === 1 || (r === 2 && pads !== 2) || (r === 3 && pads !== 1)) return undefined;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const ch of data) {
    acc = (acc << 6) | alphabet.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  return new Uint8Array(out);
}

type Cell = (n: Normalizer, c: string) => string;

/** Table columns whose cells are volatile. */
const COLUMN_RULES = new Map<string, Cell>([
  ['DB SIZE', (_, c) => (c ? '<DB_SIZE>' : c)],
  ['TOTAL SIZE', (_, c) => (c ? '<DB_SIZE>' : c)],
  ['RAFT TERM', (_, c) => (isDigits(c) ? '<TERM>' : c)],
  ['RAFT INDEX', (_, c) => (isDigits(c) ? '<RAFT_INDEX>' : c)],
  ['RAFT APPLIED INDEX', (_, c) => (isDigits(c) ? '<RAFT_INDEX>' : c)],
  ['TOOK', (_, c) => (c ? '<DURATION>' : c)],
  ['HASH', (n, c) => (/^[0-9a-f]+$/.test(c) ? (isDigits(c) ? n.hashPh(c) : n.hashPh(c, true)) : c)],
]);

export class Normalizer {
  /** Member ID -> name. */
  readonly members = new Map<bigint, string>();
  clusterId: bigint | undefined;
  /** Lease ID -> number of first appearance. */
  readonly leases = new Map<bigint, number>();
  readonly hashes = new Map<bigint, number>();
  /** IDs of members added at run time (random, time based). */
  readonly randomMembers = new Set<bigint>();

  constructor(
    readonly basePort: number,
    readonly tmpdir: string | undefined,
    readonly enabled = true,
    readonly nports = 20,
  ) {}

  // ---- registries ----

  addMember(mid: bigint, name: string, randomId = false): void {
    if (this.members.has(mid)) return;
    this.members.set(mid, name);
    if (randomId) this.randomMembers.add(mid);
  }

  leaseIndex(lid: bigint): number {
    let i = this.leases.get(lid);
    if (i === undefined) this.leases.set(lid, (i = this.leases.size + 1));
    return i;
  }

  hashPh(h: string, hexform = false): string {
    const v = hexform ? BigInt('0x' + h) : BigInt(h);
    let i = this.hashes.get(v);
    if (i === undefined) this.hashes.set(v, (i = this.hashes.size + 1));
    return `<HASH_${i}${hexform ? '_HEX' : ''}>`;
  }

  leaseHex(idx: number): string | undefined {
    for (const [lid, i] of this.leases) if (i === idx) return hexOf(lid).padStart(16, '0');
    return undefined;
  }

  memberHex(name: string): string | undefined {
    for (const [mid, n] of this.members) if (n === name) return hexOf(mid);
    return undefined;
  }

  // ---- tokens ----

  private idToken(tok: string, start: number, whole: string): string {
    if (whole.slice(Math.max(0, start - 6), start) === '-id":"') return tok;
    if (tok.length <= 16) {
      const hv = BigInt('0x' + tok);
      const name = this.members.get(hv);
      if (name !== undefined && hexOf(hv) === tok) return `<MEMBER_ID_${name}>`;
      if (this.clusterId !== undefined && hv === this.clusterId && hexOf(hv) === tok) return '<CLUSTER_ID>';
      if (tok.length === 16 && !tok.startsWith('0000') && (!isDigits(tok) || this.leases.has(hv))) {
        return `<LEASE_ID_${this.leaseIndex(hv)}>`;
      }
    }
    if (isDigits(tok) && tok.length >= 15) {
      const v = BigInt(tok);
      const name = this.members.get(v);
      if (name !== undefined) return `<MEMBER_ID_${name}_DEC>`;
      if (this.clusterId !== undefined && v === this.clusterId) return '<CLUSTER_ID_DEC>';
      if (v >= 10n ** 14n && v < 2n ** 63n) return `<LEASE_ID_${this.leaseIndex(v)}_DEC>`;
    }
    return tok;
  }

  normIds(s: string): string {
    // etcdctl prints member IDs with %16x; a runtime-added member's ID is random, so its padding goes.
    s = s.replace(/( {2,})([0-9a-f]{12,15})(?![0-9A-Za-z_>])/g, (all, sp: string, tok: string) => {
      if (tok.length < 16 && this.randomMembers.has(BigInt('0x' + tok))) {
        return sp.slice(0, Math.max(1, sp.length - (16 - tok.length))) + tok;
      }
      return all;
    });
    return s.replace(/(?<![0-9A-Za-z_.<-])[0-9a-f]{12,20}(?![0-9A-Za-z_>])/g, (tok: string, off: number, whole: string) =>
      this.idToken(tok, off, whole),
    );
  }

  normPorts(s: string): string {
    return s.replace(/(127\.0\.0\.1|localhost):(\d+)/g, (all, host: string, port: string) => {
      const off = Number(port) - this.basePort;
      let name: string;
      if (off >= 0 && off < 10) name = `EP${off}`;
      else if (off >= 10 && off < this.nports) name = `PEER${off - 10}`;
      else return all;
      return host === '127.0.0.1' ? `<${name}>` : `${host}:<${name}_PORT>`;
    });
  }

  // ---- text ----

  normText(s: string): string {
    if (!this.enabled) return s;
    const lines = s.split('\n');
    const tables = findTables(lines);
    if (tables.length === 0) return this.normPlain(s);
    const out: string[] = [];
    let pos = 0;
    for (const [start, end] of tables) {
      if (start > pos) out.push(this.normPlain(lines.slice(pos, start).join('\n') + '\n'));
      out.push(this.normTable(lines.slice(start, end + 1)).join('\n') + (end + 1 < lines.length ? '\n' : ''));
      pos = end + 1;
    }
    if (pos < lines.length) out.push(this.normPlain(lines.slice(pos).join('\n')));
    return out.join('');
  }

  normPlain(s: string): string {
    if (this.tmpdir) s = s.split(this.tmpdir).join('<TMP>');
    s = this.normPorts(s);
    s = s.replace(UUID_RE, '<UUID>');
    // A read without quorum times out client-side or server-side at random: canonicalize to the former.
    s = s
      .split('"error":"rpc error: code = Unknown desc = context deadline exceeded"')
      .join('"error":"rpc error: code = DeadlineExceeded desc = context deadline exceeded"');
    s = s.split('rpc error: code = Unknown desc = context deadline exceeded').join('context deadline exceeded');
    s = s.replace(new RegExp(BOL + String.raw`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ ([A-Z]) \| `, 'g'), '<TIMESTAMP> $1 | ');
    s = s.replace(/"ts":"[^"]*"/g, '"ts":"<TS>"');
    s = s.replace(/"ts":[0-9.e+]+/g, '"ts":<TS>');
    s = s.replace(/"(took|duration|elapsed|remaining-time)":"[^"]*"/g, '"$1":"<DURATION>"');
    s = s.replace(/"(took|duration|elapsed)":[0-9.e+-]+/g, '"$1":<DURATION>');
    s = s.replace(new RegExp(`"size":"${SIZE}"`, 'g'), '"size":"<SIZE>"');
    s = s.replace(/"size":\d+/g, '"size":<SIZE>');
    s = s.replace(new RegExp('took = ' + DURATION, 'g'), 'took = <DURATION>');
    s = s.replace(new RegExp('"Took" : ' + DURATION, 'g'), '"Took" : <DURATION>');
    // json status and headers
    s = s.replace(/"raft_term":\d+/g, '"raft_term":<TERM>');
    s = s.replace(/"raftTerm":\d+/g, '"raftTerm":<TERM>');
    s = s.replace(/"(raftIndex|raftAppliedIndex)":\d+/g, '"$1":<RAFT_INDEX>');
    s = s.replace(/"(dbSize|dbSizeInUse|totalSize)":\d+/g, '"$1":<DB_SIZE>');
    s = s.replace(/"hash":(\d+)/g, (_, h: string) => '"hash":' + this.hashPh(h));
    // fields output
    s = s.replace(/"RaftTerm" : \d+/g, '"RaftTerm" : <TERM>');
    s = s.replace(/"(RaftIndex|RaftAppliedIndex)" : \d+/g, '"$1" : <RAFT_INDEX>');
    s = s.replace(/"(DBSize|DBSizeInUse|TotalSize|Size)" : \d+/g, '"$1" : <DB_SIZE>');
    s = s.replace(/"Hash" : (\d+)/g, (_, h: string) => '"Hash" : ' + this.hashPh(h));
    // lease remaining TTL (the granted TTL stays literal)
    s = s.replace(/remaining\((\d+)s\)/g, (all, n: string) => (Number(n) > 0 ? 'remaining(<REMAINING>s)' : all));
    s = s.replace(/"(TTL|ttl)":(\d+)(?=,"(grantedTTL|granted-ttl)")/g, (all, k: string, n: string) =>
      Number(n) > 0 ? `"${k}":<REMAINING>` : all,
    );
    s = s.replace(/"TTL" : (\d+)(\n"GrantedTTL")/g, (_, n: string, rest: string) => (Number(n) > 0 ? '"TTL" : <REMAINING>' : '"TTL" : ' + n) + rest);
    // check perf results
    s = s.replace(/Throughput is \d+ writes\/s/g, 'Throughput is <N> writes/s');
    s = s.replace(/(Slowest request took|Stddev is) \d+\.\d+s/g, '$1 <SECONDS>s');
    s = this.sortRandomOrders(s);
    s = this.normSimpleRows(s);
    s = s.replace(/"key":"([A-Za-z0-9+/=]{20,})"/g, (all, b64: string) => this.b64Key(all, b64));
    return this.normIds(s);
  }

  /** Orders the server or the runner's ID choice make random: lease keys, ETCD_INITIAL_CLUSTER. */
  private sortRandomOrders(s: string): string {
    s = s.replace(/attached keys\(\[([^\]]*)\]\)/g, (_, ks: string) => `attached keys([${pySorted(ks.split(' ')).join(' ')}])`);
    s = s.replace(/("granted-ttl":\d+,"keys":\[)([^\]]*)(\])/g, (_, a: string, ks: string, c: string) => a + pySorted(ks.split(',')).join(',') + c);
    const input = s;
    s = s.replace(new RegExp(`((?:${BOL}"Key" : [^\\n]*\\n)+)`, 'g'), (block: string) =>
      input.includes('"GrantedTTL"') ? pySorted(splitlinesKeepends(block)).join('') : block,
    );
    return s.replace(/ETCD_INITIAL_CLUSTER="([^"]*)"/g, (_, v: string) => `ETCD_INITIAL_CLUSTER="${pySorted(v.split(',')).join(',')}"`);
  }

  /** Simple-format endpoint status, hashkv and snapshot status lines. */
  private normSimpleRows(s: string): string {
    s = s.replace(
      new RegExp(BOL + String.raw`((?:https?://)?<EP\d+>, \S+, \S+, )(${SIZE})(, (?:true|false), (?:true|false), )(\d+), (\d+), (\d+), `, 'g'),
      '$1<DB_SIZE>$3<TERM>, <RAFT_INDEX>, <RAFT_INDEX>, ',
    );
    s = s.replace(new RegExp(BOL + String.raw`((?:https?://)?<EP\d+>), (\d+)` + EOL, 'g'), (_, ep: string, h: string) => `${ep}, ${this.hashPh(h)}`);
    return s.replace(
      new RegExp(BOL + String.raw`([0-9a-f]{1,8}), (\d+), (\d+), (${SIZE})` + EOL, 'g'),
      (_, h: string, rev: string, keys: string) => `${this.hashPh(h, true)}, ${rev}, ${keys}, <DB_SIZE>`,
    );
  }

  /** A base64 JSON key that embeds a lease ID (lock and election keys). */
  private b64Key(all: string, b64: string): string {
    const bytes = b64decodeStrict(b64);
    if (!bytes) return all;
    let raw: string;
    try {
      raw = strictUtf8.decode(bytes);
    } catch {
      return all;
    }
    if (!/\/[0-9a-f]{16}(?=\n?$)/.test(raw)) return all;
    return `"key":"<base64:${this.normIds(raw)}>"`;
  }

  private normTable(tl: string[]): string[] {
    const header = splitRow(tl[1]!).map((c) => c.trim());
    const rows = tl
      .slice(3, -1)
      .filter((l) => !isBorder(l))
      .map((l) => splitRow(l).map((c) => c.trim()));
    if (rows.some((r) => r.length !== header.length)) return tl.map((l) => this.normPlain(l));
    let changed = false;
    for (const r of rows) {
      r.forEach((cell, ci) => {
        const rule = COLUMN_RULES.get(header[ci]!);
        const nc = this.normPlain(rule ? rule(this, cell) : cell);
        if (nc !== cell) {
          r[ci] = nc;
          changed = true;
        }
      });
    }
    return changed ? renderTable(header, rows) : tl;
  }
}
