// etcdctl del: removes a key or a range of keys, printing how many.
import type { DeleteRangeResponse } from '../../../engine/mvcc/rpc.ts';
import type { CommandSpec } from '../../core/command.ts';
import type { CommandContext } from '../../core/context.ts';
import { ByteBuilder, deleteFields, deleteJSON, deletePB, display, request, simpleKV } from '../../print/index.ts';
import { DEL_FLAGS, delOp } from './ops.ts';

/** The simple printer's Del: the count, then the deleted pairs (--prev-kv). */
export function simpleDel(r: DeleteRangeResponse, hex: boolean, b = new ByteBuilder()): ByteBuilder {
  b.line(String(r.deleted));
  for (const kv of r.prevKvs) simpleKV(b, kv, hex);
  return b;
}

async function run(ctx: CommandContext): Promise<void> {
  const req = delOp(ctx.args, ctx.parsed.values, ctx.fail.bind(ctx));
  const client = ctx.client();
  const resp = await request(ctx, ctx.call<DeleteRangeResponse>((cb) => client.del(req, cb)));
  display(ctx, {
    simple: () => simpleDel(resp, ctx.globals.hex).bytes(),
    json: () => deleteJSON(resp),
    fields: () => deleteFields(resp),
    protobuf: () => deletePB(resp),
  });
}

export const delCommand: CommandSpec = {
  name: 'del',
  use: 'del [options] <key> [range_end]',
  short: 'Removes the specified key or range of keys [key, range_end)',
  flags: DEL_FLAGS,
  run,
};
