// Request bytes checked the way etcd's generated (gogoproto) Unmarshal
// methods check them, so a malformed message is refused with etcd's words:
// grpc-go answers INTERNAL "grpc: error unmarshalling request: <err>",
// where <err> is e.g. "proto: wrong wireType = 0 for field Key" or
// "unexpected EOF". protobufjs (under proto-loader) is more lenient - it
// reads a field of the wrong wire type as its own type - so every request
// is walked once against its message descriptor before it is decoded.

/** A field of proto-loader's message descriptor (descriptor.proto's FieldDescriptorProto, as JSON). */
export interface FieldDesc {
  name: string;
  number: number;
  label: string;
  type: string;
  typeName: string;
}

export interface MessageDesc {
  name: string;
  field: FieldDesc[];
}

/** Finds the descriptor a field's typeName refers to. */
export type DescLookup = (typeName: string) => MessageDesc | undefined;

/** What a request that fails the check decodes to: handlers answer it with grpc-go's status. */
export class MalformedRequest {
  constructor(
    readonly reason: string,
    /** Past the server's receive limit (RESOURCE_EXHAUSTED, the reason is the whole message) rather than unparsable (INTERNAL). */
    readonly tooLarge = false,
  ) {}

  /** grpc-go's status message for it in a unary call (code INTERNAL). */
  get details(): string {
    return this.tooLarge ? this.reason : `grpc: error unmarshalling request: ${this.reason}`;
  }

  /** grpc-go's status message for it on a stream, where Recv fails (code INTERNAL; no colon, as grpc-go words it). */
  get streamDetails(): string {
    return this.tooLarge ? this.reason : `grpc: failed to unmarshal the received message ${this.reason}`;
  }
}

/** grpc-go's refusal of a message of n bytes past the server's limit of max (etcd: --max-request-bytes + 512 KiB). */
export function tooLargeRequest(n: number, max: number): MalformedRequest {
  return new MalformedRequest(`grpc: received message larger than max (${n} vs. ${max})`, true);
}

class ProtoError extends Error {}

const UNEXPECTED_EOF = 'unexpected EOF';
const INT_OVERFLOW = 'proto: integer overflow';
const INVALID_LENGTH = 'proto: negative length found during unmarshaling';
const END_OF_GROUP = 'proto: unexpected end of group';

/** The wire type each field type is written with (repeated scalars may also come packed, as 2). */
const WIRE_TYPE: Record<string, number> = {
  TYPE_BYTES: 2,
  TYPE_STRING: 2,
  TYPE_MESSAGE: 2,
  TYPE_INT64: 0,
  TYPE_UINT64: 0,
  TYPE_INT32: 0,
  TYPE_UINT32: 0,
  TYPE_SINT32: 0,
  TYPE_SINT64: 0,
  TYPE_BOOL: 0,
  TYPE_ENUM: 0,
  TYPE_FIXED64: 1,
  TYPE_SFIXED64: 1,
  TYPE_DOUBLE: 1,
  TYPE_FIXED32: 5,
  TYPE_SFIXED32: 5,
  TYPE_FLOAT: 5,
};

/** Go's field name: the camelCase name with its first letter capitalised ("prevKv" -> "PrevKv"). */
function goName(f: FieldDesc): string {
  return f.name.charAt(0).toUpperCase() + f.name.slice(1);
}

/** A varint as Go's generated code reads one; `neg` when Go's int64 would be negative (bit 63 set). */
function varint(b: Uint8Array, at: number, end: number): { value: number; next: number; neg: boolean } {
  let value = 0;
  let mul = 1;
  for (let shift = 0, i = at; ; shift += 7) {
    if (shift >= 64) throw new ProtoError(INT_OVERFLOW);
    if (i >= end) throw new ProtoError(UNEXPECTED_EOF);
    const byte = b[i++]!;
    value += (byte & 0x7f) * mul;
    mul *= 128;
    if (byte < 0x80) return { value, next: i, neg: shift === 63 && (byte & 1) === 1 };
  }
}

/** A length-delimited field's end, or Go's error for its length. */
function lengthEnd(b: Uint8Array, at: number, end: number): { start: number; stop: number } {
  const { value, next, neg } = varint(b, at, end);
  if (neg) throw new ProtoError(INVALID_LENGTH);
  const stop = next + value;
  if (stop > end) throw new ProtoError(UNEXPECTED_EOF);
  return { start: next, stop };
}

/** gogoproto's skip function for a field this message does not know: how many bytes it takes. */
function skip(b: Uint8Array, at: number, end: number): number {
  let i = at;
  let depth = 0;
  while (i < end) {
    const tag = varint(b, i, end);
    i = tag.next;
    const wireType = tag.value % 8;
    switch (wireType) {
      case 0:
        i = varint(b, i, end).next;
        break;
      case 1:
        i += 8;
        break;
      case 2: {
        const len = varint(b, i, end);
        if (len.neg) throw new ProtoError(INVALID_LENGTH);
        i = len.next + len.value;
        break;
      }
      case 3:
        depth++;
        break;
      case 4:
        if (depth === 0) throw new ProtoError(END_OF_GROUP);
        depth--;
        break;
      case 5:
        i += 4;
        break;
      default:
        throw new ProtoError(`proto: illegal wireType ${wireType}`);
    }
    if (depth === 0) return i - at;
  }
  throw new ProtoError(UNEXPECTED_EOF);
}

/** Walks one message; throws Go's error for the first thing its Unmarshal would refuse. */
function walk(msg: MessageDesc, b: Uint8Array, at: number, end: number, lookup: DescLookup): void {
  let i = at;
  while (i < end) {
    const pre = i;
    const tag = varint(b, i, end);
    i = tag.next;
    const wireType = tag.value % 8;
    // Go takes the field number as an int32 of wire >> 3.
    const fieldNum = Math.floor(tag.value / 8) | 0;
    if (wireType === 4) throw new ProtoError(`proto: ${msg.name}: wiretype end group for non-group`);
    // Go prints the whole tag as the "wire type" here.
    if (fieldNum <= 0) throw new ProtoError(`proto: ${msg.name}: illegal tag ${fieldNum} (wire type ${tag.value})`);
    const f = msg.field.find((x) => x.number === fieldNum);
    if (!f) {
      const n = skip(b, pre, end);
      if (pre + n > end) throw new ProtoError(UNEXPECTED_EOF);
      i = pre + n;
      continue;
    }
    const want = WIRE_TYPE[f.type] ?? 2;
    const packable = f.label === 'LABEL_REPEATED' && want !== 2;
    if (wireType !== want && !(packable && wireType === 2)) {
      throw new ProtoError(`proto: wrong wireType = ${wireType} for field ${goName(f)}`);
    }
    if (wireType === 2) {
      const { start, stop } = lengthEnd(b, i, end);
      if (f.type === 'TYPE_MESSAGE') {
        const sub = lookup(f.typeName);
        if (sub) walk(sub, b, start, stop, lookup);
      } else if (packable) {
        for (let j = start; j < stop; ) j = want === 0 ? varint(b, j, stop).next : j + (want === 1 ? 8 : 4);
      }
      i = stop;
    } else if (wireType === 0) {
      i = varint(b, i, end).next;
    } else {
      i += wireType === 1 ? 8 : 4;
      if (i > end) throw new ProtoError(UNEXPECTED_EOF);
    }
  }
  if (i > end) throw new ProtoError(UNEXPECTED_EOF);
}

/** Undefined when Go would decode bytes as msg, else Go's error text. */
export function checkWire(msg: MessageDesc, bytes: Uint8Array, lookup: DescLookup): string | undefined {
  try {
    walk(msg, bytes, 0, bytes.length, lookup);
    return undefined;
  } catch (e) {
    if (e instanceof ProtoError) return e.message;
    throw e;
  }
}
