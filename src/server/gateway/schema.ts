// The etcd API's message shapes as the gateway's JSON needs them: every
// field's proto name (what etcd's gateway prints: OrigName), the camelCase
// name the gRPC codecs use for it, its scalar type or the message/enum it
// refers to. Read from the same .proto files as the gRPC services (load.ts),
// loaded once more with the original field names kept.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSync } from '@grpc/proto-loader';

export interface FieldShape {
  /** The proto name (raft_term, grantedTTL). */
  readonly name: string;
  /** The name in the codecs' objects (raftTerm, grantedTTL). */
  readonly wire: string;
  /** TYPE_INT64, TYPE_MESSAGE, ... */
  readonly type: string;
  readonly repeated: boolean;
  /** The full name of the message or enum type, for TYPE_MESSAGE and TYPE_ENUM. */
  readonly ref: string;
}

export interface MessageShape {
  readonly name: string;
  readonly fields: readonly FieldShape[];
  /** Fields by proto name and by camelCase name (jsonpb accepts both). */
  readonly byJsonName: ReadonlyMap<string, FieldShape>;
}

export interface EnumShape {
  /** Go's name of the enum type (etcdserverpb.RangeRequest_SortOrder), for errors. */
  readonly goName: string;
  readonly byNumber: ReadonlyMap<number, string>;
  readonly byName: ReadonlyMap<string, number>;
}

export interface MethodShape {
  readonly request: string;
  readonly response: string;
  readonly requestStream: boolean;
  readonly responseStream: boolean;
}

interface DescField {
  name: string;
  number: number;
  label: string;
  type: string;
  typeName: string;
  jsonName: string;
}
interface DescEnum {
  name: string;
  value: { name: string; number: number }[];
}
interface DescMessage {
  name: string;
  field: DescField[];
  nestedType: DescMessage[];
  enumType: DescEnum[];
}

/** protobufjs' camelCase, which proto-loader applied to the codecs' field names. */
export const camelCase = (s: string): string => s.slice(0, 1) + s.slice(1).replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

const PROTO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'proto');

export class Schema {
  private readonly messages = new Map<string, MessageShape>();
  private readonly enums = new Map<string, EnumShape>();
  private readonly methods = new Map<string, MethodShape>();

  constructor() {
    const def = loadSync('rpc.proto', { includeDirs: [PROTO_DIR], keepCase: true });
    const pending: { full: string; msg: DescMessage }[] = [];
    for (const [full, entry] of Object.entries(def)) {
      const e = entry as { format?: string; type?: unknown };
      if (e.format?.includes('EnumDescriptorProto')) this.addEnum(full, e.type as DescEnum);
      else if (e.format?.includes('DescriptorProto')) this.collect(full, e.type as DescMessage, pending);
      else this.addService(full, entry as Record<string, { requestType: { type: DescMessage }; responseType: { type: DescMessage }; requestStream: boolean; responseStream: boolean }>);
    }
    for (const { full, msg } of pending) this.addMessage(full, msg);
  }

  message(full: string): MessageShape {
    const m = this.messages.get(full);
    if (!m) throw new Error(`unknown message ${full}`);
    return m;
  }

  enumOf(full: string): EnumShape {
    const e = this.enums.get(full);
    if (!e) throw new Error(`unknown enum ${full}`);
    return e;
  }

  /** A method by its service's full name and its name ("etcdserverpb.KV", "Range"). */
  method(service: string, name: string): MethodShape {
    const m = this.methods.get(`${service}/${name}`);
    if (!m) throw new Error(`unknown method ${service}/${name}`);
    return m;
  }

  private collect(full: string, msg: DescMessage, out: { full: string; msg: DescMessage }[]): void {
    out.push({ full, msg });
    for (const n of msg.nestedType ?? []) this.collect(`${full}.${n.name}`, n, out);
    for (const en of msg.enumType ?? []) this.addEnum(`${full}.${en.name}`, en);
  }

  private addEnum(full: string, e: DescEnum): void {
    const dot = full.indexOf('.');
    const goName = full.slice(0, dot + 1) + full.slice(dot + 1).replace(/\./g, '_');
    this.enums.set(full, {
      goName,
      byNumber: new Map(e.value.map((v) => [v.number, v.name])),
      byName: new Map(e.value.map((v) => [v.name, v.number])),
    });
  }

  /** A type name as written in the .proto, resolved from inside scope like protoc does. */
  private resolve(scope: string, typeName: string): string {
    if (typeName.startsWith('.')) return typeName.slice(1);
    const parts = scope.split('.');
    for (let i = parts.length; i >= 0; i--) {
      const cand = [...parts.slice(0, i), typeName].join('.');
      if (this.enums.has(cand) || this.messages.has(cand) || this.pendingNames.has(cand)) return cand;
    }
    return typeName;
  }

  /** Every message name, known before any field is resolved. */
  private readonly pendingNames = new Set<string>();
  private readonly unresolved: { full: string; msg: DescMessage }[] = [];

  private addMessage(full: string, msg: DescMessage): void {
    this.pendingNames.add(full);
    this.unresolved.push({ full, msg });
  }

  private addService(full: string, svc: Record<string, { requestType: { type: DescMessage }; responseType: { type: DescMessage }; requestStream: boolean; responseStream: boolean }>): void {
    const pkg = full.slice(0, full.lastIndexOf('.'));
    for (const [name, m] of Object.entries(svc)) {
      if (!m?.requestType) continue;
      this.methods.set(`${full}/${name}`, {
        request: this.qualify(pkg, m.requestType.type.name),
        response: this.qualify(pkg, m.responseType.type.name),
        requestStream: m.requestStream,
        responseStream: m.responseStream,
      });
    }
  }

  private qualify(pkg: string, name: string): string {
    return name.includes('.') ? name : `${pkg}.${name}`;
  }

  /** Links every field to its message or enum once all names are known. */
  finish(): this {
    for (const { full, msg } of this.unresolved.splice(0)) {
      const scope = full;
      const fields = msg.field.map(
        (f): FieldShape => ({
          name: f.name,
          wire: camelCase(f.name),
          type: f.type,
          repeated: f.label === 'LABEL_REPEATED',
          ref: f.type === 'TYPE_MESSAGE' || f.type === 'TYPE_ENUM' ? this.resolve(scope, f.typeName) : '',
        }),
      );
      const byJsonName = new Map<string, FieldShape>();
      for (const f of fields) {
        byJsonName.set(f.name, f);
        byJsonName.set(f.wire, f);
      }
      this.messages.set(full, { name: full, fields, byJsonName });
    }
    return this;
  }
}

let cached: Schema | undefined;

/** The etcd API's shapes (loaded once). */
export function etcdSchema(): Schema {
  return (cached ??= new Schema().finish());
}
