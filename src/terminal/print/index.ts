// Output of etcdctl commands, shared by every command module.
//
// API
//   Format selection and output (printer.ts)
//     outputFormat(ctx)          -w value; exits 4 "unsupported output format" for unknown
//                                ones. Call where etcdctl builds its client (after arg checks).
//     display(ctx, renderers)    prints a response in the -w format; a format without a
//                                renderer exits 4 "<fmt> not supported as output format".
//                                renderers: simple → string|bytes, json → JSON text (newline
//                                added), fields → text, protobuf → ProtoWriter|bytes (written
//                                raw, no newline), table → text.
//     simpleKV(builder, kv, hex, valueOnly)   printKV of the simple printer.
//     request(ctx, promise, code=1)           awaits a call; on RequestError prints
//                                `Error: <msg>` and exits with code. failRequest(ctx, e, code).
//   Bytes (bytes.ts)
//     utf8(s), utf8Text(b), hexBytes(b) (`\x66\x6f`), goQuote(b|s) (Go %q / strconv.Quote),
//     ByteBuilder (.add/.line/.bytes: text mixed with raw bytes).
//   Go encoding/json (gojson.ts)
//     jsonObject([[name, json|undefined]…]) (undefined = omitted, i.e. omitempty),
//     jsonArray, jsonString (Go's HTML-safe escaping), jsonBytes (base64), jsonInt, jsonBool,
//     u64FromHex / i64FromHex (hex IDs → decimal text), oe.{int,u64hex,i64hex,bool,string,bytes,array}
//     (omitempty: undefined for zero values).
//   Protobuf (protobuf.ts)
//     new ProtoWriter().varint(f, n).hexVarint(f, hex).bool(f, b).bytes(f, b).message(f, w)
//       .messages(f, items, enc).packed(f, ints).finish().
//   Tables (table.ts)
//     renderTable(header, rows) — tablewriter as etcdctl uses it; displayWidth(s).
//   Messages (messages.ts)
//     headerJSON/kvJSON/rangeJSON/putJSON/deleteJSON/txnJSON/compactionJSON,
//     headerPB/kvPB/rangePB/putPB/deletePB/txnPB/compactionPB,
//     headerFields/kvFields(pfx)/rangeFields/putFields/deleteFields/txnFields.
export * from './bytes.ts';
export * from './gojson.ts';
export * from './messages.ts';
export * from './printer.ts';
export * from './protobuf.ts';
export * from './table.ts';
