// etcdctl txn: reads compares, success requests and failure requests from
// stdin, each section ended by an empty line, and commits them as one
// transaction. With -i it prompts before each section. Input ends early →
// "Error: EOF" (exit 3); nothing is sent before all three sections are read.
import type { TxnRequest, TxnResponse } from '../../../engine/mvcc/rpc.ts';
import type { CommandSpec } from '../../core/command.ts';
import type { CommandContext } from '../../core/context.ts';
import { ExitBadArgs, ExitInvalidInput } from '../../core/io.ts';
import { goPanic } from '../cluster/panic.ts';
import { ByteBuilder, display, request, txnFields, txnJSON, txnPB } from '../../print/index.ts';
import { delCommand, simpleDel } from './del.ts';
import { getCommand, simpleRange } from './get.ts';
import { putCommand, simplePut } from './put.ts';
import { parseCompare } from './txn-compare.ts';
import { type RequestEnv, parseRequest, txnSubcommands } from './txn-request.ts';

/** etcdctl runs the commit with context.Background(): no deadline (a long one here). */
const NO_DEADLINE_MS = 2 ** 31;

/** The simple printer's Txn: SUCCESS/FAILURE, then each response after an empty line. */
export function simpleTxn(r: TxnResponse, hex: boolean): Uint8Array {
  const b = new ByteBuilder().line(r.succeeded ? 'SUCCESS' : 'FAILURE');
  for (const op of r.responses) {
    b.line();
    if (op.responseDeleteRange) simpleDel(op.responseDeleteRange, hex, b);
    else if (op.responsePut) simplePut(op.responsePut, hex, b);
    else if (op.responseRange) simpleRange(op.responseRange, hex, false, b);
    else b.line('unexpected response');
  }
  return b.bytes();
}

async function run(ctx: CommandContext): Promise<void> {
  if (ctx.args.length !== 0) ctx.fail(ExitBadArgs, 'txn command does not accept argument');
  // etcdctl builds its client (format check, dial, password prompt) before reading the input.
  const client = ctx.client();
  const interactive = ctx.bool('interactive');
  const prompt = (s: string): void => {
    if (interactive) ctx.out(s + '\n');
  };
  const env: RequestEnv = {
    fail: (code, msg) => ctx.fail(code, msg),
    panic: (msg) => goPanic(ctx, msg),
    out: (t) => ctx.out(t),
    err: (t) => ctx.err(t),
    hang: () => ctx.forever(),
  };
  const subs = txnSubcommands(putCommand, getCommand, delCommand);
  const req: TxnRequest = { compare: [], success: [], failure: [] };

  prompt('compares:');
  // Each line is parsed as soon as it is read, so a bad line fails before the rest is read.
  for (;;) {
    const [t] = await readOne(ctx);
    if (t === '') break;
    req.compare!.push(parseCompare(t, { invalid: (m) => ctx.fail(ExitInvalidInput, m), panic: env.panic }));
  }
  for (const [label, ops] of [
    ['success requests (get, put, del):', req.success!],
    ['failure requests (get, put, del):', req.failure!],
  ] as const) {
    prompt(label);
    for (;;) {
      const [line] = await readOne(ctx);
      if (line === '') break;
      ops.push(await parseRequest(line, subs, env));
    }
  }

  const resp = await request(ctx, ctx.call<TxnResponse>((cb) => client.txn(req, cb, { timeoutMs: NO_DEADLINE_MS })));
  display(ctx, {
    simple: () => simpleTxn(resp, ctx.globals.hex),
    json: () => txnJSON(resp),
    fields: () => txnFields(resp),
    protobuf: () => txnPB(resp),
  });
}

/** The next trimmed line ('' ends a section); EOF is an error. */
async function readOne(ctx: CommandContext): Promise<[string]> {
  const line = await ctx.stdin.readLine();
  if (line === null) return ctx.fail(ExitInvalidInput, 'EOF');
  return [line.trim()];
}

export const txnCommand: CommandSpec = {
  name: 'txn',
  use: 'txn [options]',
  short: 'Txn processes all the requests in one transaction',
  flags: [{ name: 'interactive', shorthand: 'i', kind: 'bool', def: 'false', usage: 'Input transaction in interactive mode' }],
  run,
};
