// How etcdctl prints a clientv3.WatchResponse in each -w format, and the
// Get-shaped responses lock and elect print (display.Get). The json form is
// the clientv3 struct (Go field names, no tags), not the protobuf message.
import type { ResponseHeader } from '../../../engine/api/header.ts';
import type { WatchResponse } from '../../../engine/mvcc/watch-types.ts';
import type { Event, KeyValue } from '../../../engine/mvcc/types.ts';
import type { CommandContext } from '../../core/context.ts';
import {
  ByteBuilder,
  ProtoWriter,
  display,
  headerFields,
  headerJSON,
  headerPB,
  jsonArray,
  jsonBool,
  jsonInt,
  jsonObject,
  kvFields,
  kvJSON,
  kvPB,
  rangeFields,
  rangeJSON,
  rangePB,
  simpleKV,
} from '../../print/index.ts';

/** clientv3's error text for a canceled watch (resp.Err()). */
export function watchCancelError(r: WatchResponse): string {
  if (r.compactRevision !== 0) return 'etcdserver: mvcc: required revision has been compacted';
  return r.cancelReason || 'context canceled';
}

/** clientv3.WatchResponse.IsProgressNotify. */
export function isProgressNotify(r: WatchResponse): boolean {
  return r.events.length === 0 && !r.canceled && !r.created && r.compactRevision === 0 && r.header.revision !== 0;
}

function eventJSON(e: Event): string {
  return jsonObject([
    ['type', e.type === 'DELETE' ? '1' : undefined],
    ['kv', kvJSON(e.kv)],
    ['prev_kv', e.prevKv ? kvJSON(e.prevKv) : undefined],
  ]);
}

function eventPB(e: Event): ProtoWriter {
  return new ProtoWriter()
    .varint(1, e.type === 'DELETE' ? 1 : 0)
    .message(2, kvPB(e.kv))
    .message(3, e.prevKv ? kvPB(e.prevKv) : undefined);
}

/** display.Watch: one response in the -w format (table is refused at the first response). */
export function printWatch(ctx: CommandContext, r: WatchResponse): void {
  display(ctx, {
    simple: () => {
      const b = new ByteBuilder();
      for (const e of r.events) {
        b.line(e.type);
        if (e.prevKv) simpleKV(b, e.prevKv, ctx.globals.hex);
        simpleKV(b, e.kv, ctx.globals.hex);
      }
      return b.bytes();
    },
    json: () =>
      jsonObject([
        ['Header', headerJSON(r.header) ?? '{}'],
        ['Events', jsonArray(r.events.map(eventJSON))],
        ['CompactRevision', jsonInt(r.compactRevision)],
        ['Canceled', jsonBool(r.canceled)],
        ['Created', jsonBool(r.created)],
      ]),
    fields: () => {
      let s = headerFields(r.header);
      for (const e of r.events) {
        s += `"Type" : ${e.type}\n`;
        if (e.prevKv) s += kvFields('Prev', e.prevKv);
        s += kvFields('', e.kv);
      }
      return s;
    },
    protobuf: () =>
      new ProtoWriter()
        .message(1, headerPB(r.header))
        .bool(3, r.created)
        .bool(4, r.canceled)
        .varint(5, r.compactRevision)
        .messages(11, r.events, eventPB),
  });
}

/** A GetResponse as lock and elect print it (count 0 is left out, as in an Observe response). */
export interface GetLike {
  header: ResponseHeader;
  kvs: KeyValue[];
  count: number;
}

/** display.Get for lock/elect output. */
export function printGet(ctx: CommandContext, r: GetLike): void {
  const range = { header: r.header, kvs: r.kvs, more: false, count: r.count };
  display(ctx, {
    simple: () => {
      const b = new ByteBuilder();
      for (const kv of r.kvs) simpleKV(b, kv, ctx.globals.hex);
      return b.bytes();
    },
    json: () => rangeJSON(range),
    fields: () => rangeFields(range),
    protobuf: () => rangePB(range),
  });
}
