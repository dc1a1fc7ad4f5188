// The requests get, put and del build from their arguments and flags
// (etcdctl's getGetOp, getPutOp, getDelOp), shared by the commands and by
// txn, which parses the same command lines. Argument errors exit the way
// etcdctl's ExitWithError does, wherever they happen.
import type { DeleteRangeRequest, PutRequest, RangeRequest, SortOrder, SortTarget } from '../../../engine/mvcc/rpc.ts';
import type { FlagSpec, FlagValue } from '../../core/flags.ts';
import { ExitBadArgs, ExitBadFeature } from '../../core/io.ts';
import { goQuote, utf8 } from '../../print/index.ts';

/** Fails the process: ctx.fail, or the same from txn's parser. */
export type Fail = (code: number, message: string) => never;

/** An argument's bytes (txn's parser may stand binary words in for placeholders). */
export type ArgBytes = (arg: string) => Uint8Array;

/** Flag values by name, as a parsed command line gives them. */
export type Flags = ReadonlyMap<string, FlagValue>;

const b = (flags: Flags, n: string): boolean => flags.get(n) as boolean;
const s = (flags: Flags, n: string): string => flags.get(n) as string;
const i = (flags: Flags, n: string): number => flags.get(n) as number;

export const GET_FLAGS: FlagSpec[] = [
  { name: 'consistency', kind: 'string', def: 'l', usage: 'Linearizable(l) or Serializable(s)' },
  { name: 'from-key', kind: 'bool', def: 'false', usage: 'Get keys that are greater than or equal to the given key using byte compare' },
  { name: 'keys-only', kind: 'bool', def: 'false', usage: 'Get only the keys' },
  { name: 'limit', kind: 'int', def: '0', usage: 'Maximum number of results' },
  { name: 'order', kind: 'string', def: '', usage: 'Order of results; ASCEND or DESCEND (ASCEND by default)' },
  { name: 'prefix', kind: 'bool', def: 'false', usage: 'Get keys with matching prefix' },
  { name: 'print-value-only', kind: 'bool', def: 'false', usage: 'Only write values when using the "simple" output format' },
  { name: 'rev', kind: 'int', def: '0', usage: 'Specify the kv revision' },
  { name: 'sort-by', kind: 'string', def: '', usage: 'Sort target; CREATE, KEY, MODIFY, VALUE, or VERSION' },
];

export const PUT_FLAGS: FlagSpec[] = [
  { name: 'ignore-lease', kind: 'bool', def: 'false', usage: 'updates the key using its current lease' },
  { name: 'ignore-value', kind: 'bool', def: 'false', usage: 'updates the key using its current value' },
  { name: 'lease', kind: 'string', def: '0', usage: 'lease ID (in hexadecimal) to attach to the key' },
  { name: 'prev-kv', kind: 'bool', def: 'false', usage: 'return the previous key-value pair before modification' },
];

export const DEL_FLAGS: FlagSpec[] = [
  { name: 'from-key', kind: 'bool', def: 'false', usage: 'delete keys that are greater than or equal to the given key using byte compare' },
  { name: 'prefix', kind: 'bool', def: 'false', usage: 'delete keys with matching prefix' },
  { name: 'prev-kv', kind: 'bool', def: 'false', usage: 'return deleted key-value pairs' },
];

/** Go's strconv.ParseInt(text, base, 64): the value, or the error's text. */
export function parseInt64(text: string, base: 10 | 16): { value: bigint } | { error: string } {
  const syntax = { error: `strconv.ParseInt: parsing ${goQuote(text)}: invalid syntax` };
  const m = /^([+-]?)(.+)$/.exec(text);
  if (!m) return syntax;
  const digits = base === 16 ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/;
  if (!digits.test(m[2]!)) return syntax;
  let v = BigInt((base === 16 ? '0x' : '') + m[2]!);
  if (m[1] === '-') v = -v;
  if (v > 0x7fffffffffffffffn || v < -0x8000000000000000n) return { error: `strconv.ParseInt: parsing ${goQuote(text)}: value out of range` };
  return { value: v };
}

/** clientv3's getPrefix: the end of the range of keys starting with key. */
export function prefixEnd(key: Uint8Array): Uint8Array {
  for (let k = key.length - 1; k >= 0; k--) {
    if (key[k]! < 0xff) {
      const end = key.slice(0, k + 1);
      end[k]! += 1;
      return end;
    }
  }
  return Uint8Array.of(0);
}

const ZERO = (): Uint8Array => Uint8Array.of(0);

/** Key and range end for --prefix / --from-key (an empty key means every key, as "\0"). */
function rangeOf(key: Uint8Array, end: Uint8Array | undefined, prefix: boolean, fromKey: boolean): [Uint8Array, Uint8Array | undefined] {
  if (prefix) return key.length === 0 ? [ZERO(), ZERO()] : [key, prefixEnd(key)];
  if (fromKey) return [key.length === 0 ? ZERO() : key, ZERO()];
  return [key, end];
}

/** getGetOp: the RangeRequest of `get`. */
export function getOp(args: readonly string[], flags: Flags, fail: Fail, bytes: ArgBytes = utf8): RangeRequest {
  if (args.length === 0) fail(ExitBadArgs, 'get command needs one argument as key and an optional argument as range_end');
  const prefix = b(flags, 'prefix');
  const fromKey = b(flags, 'from-key');
  if (prefix && fromKey) fail(ExitBadArgs, '`--prefix` and `--from-key` cannot be set at the same time, choose one');
  const consistency = s(flags, 'consistency');
  if (consistency !== 's' && consistency !== 'l') fail(ExitBadFeature, `unknown consistency flag ${goQuote(consistency)}`);
  let end: Uint8Array | undefined;
  if (args.length > 1) {
    if (prefix || fromKey) fail(ExitBadArgs, 'too many arguments, only accept one argument when `--prefix` or `--from-key` is set');
    end = bytes(args[1]!);
  }
  const orderFlag = s(flags, 'order');
  const orders: Record<string, SortOrder> = { ASCEND: 'ASCEND', DESCEND: 'DESCEND', '': 'NONE' };
  let sortOrder = orders[orderFlag.toUpperCase()];
  if (!sortOrder) fail(ExitBadFeature, `bad sort order ${orderFlag}`);
  const targetFlag = s(flags, 'sort-by');
  const targets: Record<string, SortTarget> = { CREATE: 'CREATE', KEY: 'KEY', MODIFY: 'MOD', VALUE: 'VALUE', VERSION: 'VERSION', '': 'KEY' };
  const sortTarget = targets[targetFlag.toUpperCase()];
  if (!sortTarget) fail(ExitBadFeature, `bad sort target ${targetFlag}`);
  // clientv3.WithSort: keys come back in ascending key order anyway.
  if (sortTarget === 'KEY' && sortOrder === 'ASCEND') sortOrder = 'NONE';
  const [key, rangeEnd] = rangeOf(bytes(args[0]!), end, prefix, fromKey);
  const req: RangeRequest = { key, limit: i(flags, 'limit'), sortOrder, sortTarget };
  if (rangeEnd) req.rangeEnd = rangeEnd;
  if (i(flags, 'rev') > 0) req.revision = i(flags, 'rev');
  if (consistency === 's') req.serializable = true;
  if (b(flags, 'keys-only')) req.keysOnly = true;
  return req;
}

/**
 * getPutOp: the PutRequest of `put`. readValue supplies the value when only
 * the key is given (argOrStdin; undefined when stdin is empty).
 */
export async function putOp(
  args: readonly string[],
  flags: Flags,
  fail: Fail,
  readValue: () => Promise<string | undefined>,
  bytes: ArgBytes = utf8,
): Promise<PutRequest> {
  const usage = 'put command needs 1 argument and input from stdin or 2 arguments';
  if (args.length === 0) fail(ExitBadArgs, usage);
  const ignoreValue = b(flags, 'ignore-value');
  if (ignoreValue && args.length > 1) fail(ExitBadArgs, "put command needs only 1 argument when 'ignore-value' is set");
  let value = '';
  if (!ignoreValue) {
    // argOrStdin: an empty argument is a value, an empty stdin is not.
    const v = args.length > 1 ? args[1]! : await readValue();
    if (v === undefined || (args.length < 2 && v === '')) fail(ExitBadArgs, usage);
    value = v;
  }
  const id = parseInt64(s(flags, 'lease'), 16);
  if ('error' in id) fail(ExitBadArgs, `bad lease ID (${id.error}), expecting ID in Hex`);
  const req: PutRequest = { key: bytes(args[0]!), value: bytes(value) };
  if (id.value !== 0n) req.lease = BigInt.asUintN(64, id.value).toString(16);
  if (b(flags, 'prev-kv')) req.prevKv = true;
  if (ignoreValue) req.ignoreValue = true;
  if (b(flags, 'ignore-lease')) req.ignoreLease = true;
  return req;
}

/** getDelOp: the DeleteRangeRequest of `del`. */
export function delOp(args: readonly string[], flags: Flags, fail: Fail, bytes: ArgBytes = utf8): DeleteRangeRequest {
  if (args.length === 0 || args.length > 2) fail(ExitBadArgs, 'del command needs one argument as key and an optional argument as range_end');
  const prefix = b(flags, 'prefix');
  const fromKey = b(flags, 'from-key');
  if (prefix && fromKey) fail(ExitBadArgs, '`--prefix` and `--from-key` cannot be set at the same time, choose one');
  let end: Uint8Array | undefined;
  if (args.length > 1) {
    if (prefix || fromKey) fail(ExitBadArgs, 'too many arguments, only accept one argument when `--prefix` or `--from-key` is set');
    end = bytes(args[1]!);
  }
  const [key, rangeEnd] = rangeOf(bytes(args[0]!), end, prefix, fromKey);
  const req: DeleteRangeRequest = { key };
  if (rangeEnd) req.rangeEnd = rangeEnd;
  if (b(flags, 'prev-kv')) req.prevKv = true;
  return req;
}
