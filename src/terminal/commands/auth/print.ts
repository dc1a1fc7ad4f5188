// How etcdctl prints auth responses. The simple printer has a sentence per
// command; json and protobuf print the whole response; the fields printer
// prints only the header, except for role get / role list (their own forms)
// and user get / user list (not supported); tables are never supported.
import type { ResponseHeader } from '../../../engine/api/header.ts';
import type { Callback } from '../../../engine/api/service.ts';
import type { AuthRoleGetResponse, Permission, PermissionType } from '../../../engine/auth/types.ts';
import type { Client } from '../../../engine/client/client.ts';
import type { CommandSpec } from '../../core/command.ts';
import type { CommandContext } from '../../core/context.ts';
import { ExitBadArgs } from '../../core/io.ts';
import {
  ByteBuilder,
  type Json,
  ProtoWriter,
  type Renderers,
  display,
  goQuote,
  headerFields,
  headerJSON,
  headerPB,
  jsonArray,
  jsonObject,
  jsonString,
  oe,
  request,
  utf8,
} from '../../print/index.ts';
import { prefixEnd } from '../../../engine/client/prefix.ts';

/** An Auth*Response: the header plus its own fields. */
export interface AuthResponse {
  header?: ResponseHeader;
}

/** etcdctl's argument check of an auth command: exit 128 with its message. */
export function needArgs(ctx: CommandContext, ok: boolean, msg: string): void {
  if (!ok) ctx.fail(ExitBadArgs, msg);
}

/**
 * An auth command of exactly nargs arguments that makes one call and prints
 * one sentence (the other formats show the response's header).
 */
export function oneCallCommand<T extends AuthResponse>(
  spec: Pick<CommandSpec, 'name' | 'use' | 'short'>,
  nargs: number,
  argsError: string,
  call: (cli: Client, args: string[]) => (cb: Callback<T>) => void,
  sentence: (args: string[]) => string,
): CommandSpec {
  return {
    ...spec,
    run: async (ctx) => {
      needArgs(ctx, ctx.args.length === nargs, argsError);
      const resp = await authCall(ctx, call(ctx.client(), ctx.args));
      display(ctx, headerOnly(resp, () => sentence(ctx.args)));
    },
  };
}

/** An auth call through the client: on error, `Error: <etcd's text>` and exit 1. */
export function authCall<T, O = never>(ctx: CommandContext, fn: (cb: Callback<T>, o?: O) => void, o?: O): Promise<T> {
  return request(ctx, ctx.call(fn, o));
}

/** Renderers for a response whose json/protobuf/fields show the header only. */
export function headerOnly(r: AuthResponse, simple: () => string | Uint8Array): Renderers {
  return {
    simple,
    json: () => jsonObject([['header', headerJSON(r.header)]]),
    protobuf: () => new ProtoWriter().message(1, r.header ? headerPB(r.header) : undefined),
    fields: () => (r.header ? headerFields(r.header) : ''),
  };
}

/** A response carrying a list of names (users, roles): json/protobuf list them too. */
export function withNames(r: AuthResponse, field: string, names: string[], simple: () => string): Renderers {
  return {
    ...headerOnly(r, simple),
    json: () => jsonObject([['header', headerJSON(r.header)], [field, names.length > 0 ? jsonArray(names.map((n) => jsonString(n))) : undefined]]),
    protobuf: () => {
      const w = new ProtoWriter().message(1, r.header ? headerPB(r.header) : undefined);
      for (const n of names) w.bytes(2, utf8(n));
      return w;
    },
  };
}

const PERM_TYPE: Record<PermissionType, number> = { READ: 0, WRITE: 1, READWRITE: 2 };

function permJSON(p: Permission): Json {
  return jsonObject([
    ['permType', oe.int(PERM_TYPE[p.permType])],
    ['key', oe.bytes(p.key)],
    ['range_end', oe.bytes(p.rangeEnd)],
  ]);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The simple printer's RoleGet: read then write permissions, ranges as [key, end). */
export function roleGetSimple(role: string, r: AuthRoleGetResponse): Uint8Array {
  const b = new ByteBuilder().line(`Role ${role}`);
  const printPerm = (p: Permission): void => {
    if (p.rangeEnd.length === 0) {
      b.add('\t').line(p.key);
      return;
    }
    const openEnded = p.rangeEnd.length === 1 && p.rangeEnd[0] === 0;
    b.add('\t[').add(p.key);
    if (openEnded) b.add(', <open ended>');
    else b.add(', ').add(p.rangeEnd).add(')');
    if (bytesEqual(prefixEnd(p.key), p.rangeEnd)) b.add(' (prefix ').add(p.key).add(')');
    b.add('\n');
  };
  b.line('KV Read:');
  for (const p of r.perm) if (p.permType !== 'WRITE') printPerm(p);
  b.line('KV Write:');
  for (const p of r.perm) if (p.permType !== 'READ') printPerm(p);
  return b.bytes();
}

/** role get in every format. */
export function roleGetRenderers(role: string, r: AuthRoleGetResponse): Renderers {
  return {
    simple: () => roleGetSimple(role, r),
    json: () => jsonObject([['header', headerJSON(r.header)], ['perm', r.perm.length > 0 ? jsonArray(r.perm.map(permJSON)) : undefined]]),
    protobuf: () =>
      new ProtoWriter()
        .message(1, r.header ? headerPB(r.header) : undefined)
        .messages(2, r.perm, (p: Permission) => new ProtoWriter().varint(1, PERM_TYPE[p.permType]).bytes(2, p.key).bytes(3, p.rangeEnd)),
    fields: () => {
      let s = r.header ? headerFields(r.header) : '';
      // fmt.Println(`"PermType" : `, name): Println puts a space between its operands.
      for (const p of r.perm) s += `"PermType" :  ${p.permType}\n"Key" : ${goQuote(p.key)}\n"RangeEnd" : ${goQuote(p.rangeEnd)}\n`;
      return s;
    },
  };
}

export { display };
