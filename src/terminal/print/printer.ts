// etcdctl's printer selection (-w/--write-out) and output. etcdctl builds its
// printer when it builds the client (initDisplayFromCmd): an unknown format
// fails there with "unsupported output format" (exit 4), before any request.
// A known format that a command's response type does not support fails only
// when printing ("table not supported as output format", exit 4), after the
// request was made — so `put -w table` writes the key and then fails.
import type { KeyValue } from '../../engine/mvcc/types.ts';
import type { CommandContext } from '../core/context.ts';
import { errorText, isRequestError } from '../core/errors.ts';
import { ExitBadFeature, ExitError } from '../core/io.ts';
import { ByteBuilder, hexBytes } from './bytes.ts';
import type { Json } from './gojson.ts';
import { ProtoWriter } from './protobuf.ts';

export type OutputFormat = 'simple' | 'json' | 'fields' | 'protobuf' | 'table';

const FORMATS: readonly string[] = ['simple', 'json', 'fields', 'protobuf', 'table'];

/**
 * The -w format, as initDisplayFromCmd checks it: unknown formats exit 4 with
 * "unsupported output format". Call it where etcdctl builds its client
 * (mustClientFromCmd), i.e. after the argument checks that come first.
 */
export function outputFormat(ctx: CommandContext): OutputFormat {
  const f = ctx.globals.writeOut;
  if (!FORMATS.includes(f)) ctx.fail(ExitBadFeature, 'unsupported output format');
  return f as OutputFormat;
}

/** What one response looks like in each format; a missing format is "not supported". */
export interface Renderers {
  /** Text and raw bytes, written as they are. */
  simple?: () => string | Uint8Array;
  /** The JSON text (json.Marshal); a newline is added (fmt.Println). */
  json?: () => Json;
  /** The whole fields text. */
  fields?: () => string;
  /** The marshaled message, written raw. */
  protobuf?: () => Uint8Array | ProtoWriter;
  /** The whole table text (see renderTable). */
  table?: () => string;
}

/** Prints one response in the -w format (printerUnsupported's error for a missing one). */
export function display(ctx: CommandContext, r: Renderers): void {
  const f = outputFormat(ctx);
  const render = r[f];
  if (!render) ctx.fail(ExitBadFeature, `${f} not supported as output format`);
  const out = render();
  if (f === 'json') ctx.out(out + '\n');
  else if (f === 'protobuf') ctx.out(out instanceof ProtoWriter ? out.finish() : (out as Uint8Array));
  else ctx.out(out as string | Uint8Array);
}

/** printKV of the simple printer: key line (unless valueOnly) and value line, raw or --hex. */
export function simpleKV(b: ByteBuilder, kv: KeyValue, isHex: boolean, valueOnly = false): ByteBuilder {
  if (!valueOnly) b.line(isHex ? hexBytes(kv.key) : kv.key);
  return b.line(isHex ? hexBytes(kv.value) : kv.value);
}

export { isRequestError };

/** ExitWithError for a failed request: `Error: <its text as clientv3 gives it>`, exit code (1 by default). */
export function failRequest(ctx: CommandContext, e: unknown, code = ExitError): never {
  if (!isRequestError(e)) throw e;
  return ctx.fail(code, errorText(e));
}

/** Awaits a request; on failure prints etcdctl's error and exits (code 1 by default). */
export async function request<T>(ctx: CommandContext, p: Promise<T>, code = ExitError): Promise<T> {
  try {
    return await p;
  } catch (e) {
    return failRequest(ctx, e, code);
  }
}
