// etcdctl put: writes a key, the value from the arguments or from stdin.
import type { PutResponse } from '../../../engine/mvcc/rpc.ts';
import type { CommandSpec } from '../../core/command.ts';
import type { CommandContext } from '../../core/context.ts';
import { ByteBuilder, display, putFields, putJSON, putPB, request, simpleKV } from '../../print/index.ts';
import { PUT_FLAGS, putOp } from './ops.ts';

/** The simple printer's Put: OK, then the previous pair if asked for and present. */
export function simplePut(r: PutResponse, hex: boolean, b = new ByteBuilder()): ByteBuilder {
  b.line('OK');
  if (r.prevKv) simpleKV(b, r.prevKv, hex);
  return b;
}

async function run(ctx: CommandContext): Promise<void> {
  const req = await putOp(ctx.args, ctx.parsed.values, ctx.fail.bind(ctx), async () => ctx.stdin.readAll());
  const client = ctx.client();
  const resp = await request(ctx, ctx.call<PutResponse>((cb) => client.put(req, cb)));
  display(ctx, {
    simple: () => simplePut(resp, ctx.globals.hex).bytes(),
    json: () => putJSON(resp),
    fields: () => putFields(resp),
    protobuf: () => putPB(resp),
  });
}

export const putCommand: CommandSpec = {
  name: 'put',
  use: 'put [options] <key> <value> (<value> can also be given from stdin)',
  short: 'Puts the given key into the store',
  long: `Puts the given key into the store.

When <value> begins with '-', <value> is interpreted as a flag.
Insert '--' for workaround:

$ put <key> -- <value>
$ put -- <key> <value>

If <value> isn't given as a command line argument and '--ignore-value' is not specified,
this command tries to read the value from standard input.

If <lease> isn't given as a command line argument and '--ignore-lease' is not specified,
this command tries to read the value from standard input.

For example,
$ cat file | put <key>
will store the content of the file to <key>.
`,
  flags: PUT_FLAGS,
  run,
};
