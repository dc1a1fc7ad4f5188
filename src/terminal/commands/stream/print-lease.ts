// How etcdctl prints lease responses. The clientv3 lease responses embed
// *pb.ResponseHeader, so json flattens the header into the object and
// protobuf marshals the header alone (its Marshal method is promoted);
// LeaseRevokeResponse is a plain defined type with no Marshal at all.
import type { ResponseHeader } from '../../../engine/api/header.ts';
import { formatLeaseIdHex } from '../../../engine/lease/id.ts';
import type {
  LeaseGrantResponse,
  LeaseID,
  LeaseKeepAliveResponse,
  LeaseLeasesResponse,
  LeaseRevokeResponse,
  LeaseTimeToLiveResponse,
} from '../../../engine/lease/types.ts';
import type { CommandContext } from '../../core/context.ts';
import { ExitBadFeature } from '../../core/io.ts';
import {
  ByteBuilder,
  type Json,
  display,
  goQuote,
  headerFields,
  headerJSON,
  headerPB,
  i64FromHex,
  jsonArray,
  jsonBytes,
  jsonObject,
  jsonString,
  u64FromHex,
} from '../../print/index.ts';

/** A struct embedding the header: its fields first, then the struct's own. */
function flatJSON(h: ResponseHeader, fields: readonly (readonly [string, Json | undefined])[]): Json {
  const inner = (headerJSON(h) ?? '{}').slice(1, -1);
  const rest = jsonObject(fields).slice(1, -1);
  return '{' + [inner, rest].filter((s) => s !== '').join(',') + '}';
}

export function printGrant(ctx: CommandContext, r: LeaseGrantResponse): void {
  display(ctx, {
    simple: () => `lease ${formatLeaseIdHex(r.ID)} granted with TTL(${r.TTL}s)\n`,
    json: () =>
      flatJSON(r.header, [
        ['ID', i64FromHex(r.ID)],
        ['TTL', String(r.TTL)],
        ['Error', jsonString(r.error ?? '')],
      ]),
    fields: () => headerFields(r.header) + `"ID" : ${i64FromHex(r.ID)}\n"TTL" : ${r.TTL}\n`,
    protobuf: () => headerPB(r.header),
  });
}

/** proto's compact text of a header, as %v prints it inside the marshal error. */
function headerText(h: ResponseHeader): string {
  let s = '';
  if (h.clusterId !== '0') s += `cluster_id:${u64FromHex(h.clusterId)} `;
  if (h.memberId !== '0') s += `member_id:${u64FromHex(h.memberId)} `;
  if (h.revision !== 0) s += `revision:${h.revision} `;
  if (h.raftTerm !== 0) s += `raft_term:${h.raftTerm} `;
  return s;
}

export function printRevoke(ctx: CommandContext, id: LeaseID, r: LeaseRevokeResponse): void {
  display(ctx, {
    simple: () => `lease ${formatLeaseIdHex(id)} revoked\n`,
    json: () => jsonObject([['header', headerJSON(r.header)]]),
    fields: () => headerFields(r.header),
    protobuf: () => ctx.fail(ExitBadFeature, `marshal unsupported for type clientv3.LeaseRevokeResponse ({${headerText(r.header)}})`),
  });
}

export function printTimeToLive(ctx: CommandContext, r: LeaseTimeToLiveResponse, withKeys: boolean): void {
  display(ctx, {
    simple: () => {
      if (r.grantedTTL === 0 && r.TTL === -1) return `lease ${formatLeaseIdHex(r.ID)} already expired\n`;
      const b = new ByteBuilder().add(`lease ${formatLeaseIdHex(r.ID)} granted with TTL(${r.grantedTTL}s), remaining(${r.TTL}s)`);
      if (withKeys) {
        // fmt's %v of a []string: the strings as they are, space separated.
        b.add(', attached keys([');
        r.keys.forEach((k, i) => b.add(i > 0 ? ' ' : '').add(k));
        b.add('])');
      }
      return b.line().bytes();
    },
    json: () =>
      flatJSON(r.header, [
        ['id', i64FromHex(r.ID)],
        ['ttl', String(r.TTL)],
        ['granted-ttl', String(r.grantedTTL)],
        ['keys', jsonArray(r.keys.length > 0 ? r.keys.map(jsonBytes) : undefined)],
      ]),
    fields: () =>
      headerFields(r.header) +
      `"ID" : ${i64FromHex(r.ID)}\n"TTL" : ${r.TTL}\n"GrantedTTL" : ${r.grantedTTL}\n` +
      r.keys.map((k) => `"Key" : ${goQuote(k)}\n`).join(''),
    protobuf: () => headerPB(r.header),
  });
}

export function printLeases(ctx: CommandContext, r: LeaseLeasesResponse): void {
  display(ctx, {
    simple: () => `found ${r.leases.length} leases\n` + r.leases.map((l) => formatLeaseIdHex(l.ID) + '\n').join(''),
    json: () => flatJSON(r.header, [['leases', jsonArray(r.leases.map((l) => jsonObject([['id', i64FromHex(l.ID)]])))]]),
    fields: () => headerFields(r.header) + r.leases.map((l) => `"ID" : ${i64FromHex(l.ID)}\n`).join(''),
    protobuf: () => headerPB(r.header),
  });
}

export function printKeepAlive(ctx: CommandContext, r: LeaseKeepAliveResponse): void {
  display(ctx, {
    simple: () => `lease ${formatLeaseIdHex(r.ID)} keepalived with TTL(${r.TTL})\n`,
    json: () =>
      flatJSON(r.header, [
        ['ID', i64FromHex(r.ID)],
        ['TTL', String(r.TTL)],
      ]),
    fields: () => headerFields(r.header) + `"ID" : ${i64FromHex(r.ID)}\n"TTL" : ${r.TTL}\n`,
    protobuf: () => headerPB(r.header),
  });
}
