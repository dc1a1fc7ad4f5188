// etcdctl get: a key or a range of keys.
import type { RangeResponse } from '../../../engine/mvcc/rpc.ts';
import type { CommandSpec } from '../../core/command.ts';
import type { CommandContext } from '../../core/context.ts';
import { ExitBadArgs } from '../../core/io.ts';
import { ByteBuilder, display, outputFormat, rangeFields, rangeJSON, rangePB, request, simpleKV } from '../../print/index.ts';
import { GET_FLAGS, getOp } from './ops.ts';

/** The simple printer's Get: every pair as key and value lines. */
export function simpleRange(r: RangeResponse, hex: boolean, valueOnly: boolean, b = new ByteBuilder()): ByteBuilder {
  for (const kv of r.kvs) simpleKV(b, kv, hex, valueOnly);
  return b;
}

async function run(ctx: CommandContext): Promise<void> {
  const fail = ctx.fail.bind(ctx);
  const req = getOp(ctx.args, ctx.parsed.values, fail);
  // mustClientFromCmd: the environment, the -w format and the dial are checked here.
  const client = ctx.client();
  const format = outputFormat(ctx);
  const resp = await request(ctx, ctx.call<RangeResponse>((cb) => client.get(req, cb)));
  // Checked on the printer, after the request, as etcdctl does.
  const valueOnly = ctx.bool('print-value-only');
  if (valueOnly && format !== 'simple') ctx.fail(ExitBadArgs, 'print-value-only is only for `--write-out=simple`');
  display(ctx, {
    simple: () => simpleRange(resp, ctx.globals.hex, valueOnly).bytes(),
    json: () => rangeJSON(resp),
    fields: () => rangeFields(resp),
    protobuf: () => rangePB(resp),
  });
}

export const getCommand: CommandSpec = {
  name: 'get',
  use: 'get [options] <key> [range_end]',
  short: 'Gets the key or a range of keys',
  flags: GET_FLAGS,
  run,
};
