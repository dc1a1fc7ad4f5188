// etcdctl's printers for the Cluster API (member list/add/remove/update/
// promote). In 3.4 the fields printer knows only member list, the table
// printer likewise; add/remove/update/promote print a line in simple form and
// the raw response in json/protobuf.
import type { MemberInfo, MemberListResponse } from '../../../engine/api/service.ts';
import type { ResponseHeader } from '../../../engine/api/header.ts';
import {
  type Json,
  type Renderers,
  ProtoWriter,
  goQuote,
  headerFields,
  headerJSON,
  headerPB,
  jsonObject,
  jsonString,
  oe,
  renderTable,
  u64FromHex,
} from '../../print/index.ts';

export function memberJSON(m: MemberInfo): Json {
  return jsonObject([
    ['ID', oe.u64hex(m.ID)],
    ['name', oe.string(m.name)],
    ['peerURLs', oe.array(m.peerURLs.map((u) => jsonString(u)))],
    ['clientURLs', oe.array(m.clientURLs.map((u) => jsonString(u)))],
    ['isLearner', oe.bool(m.isLearner)],
  ]);
}

export function memberPB(m: MemberInfo): ProtoWriter {
  const w = new ProtoWriter().hexVarint(1, m.ID).bytes(2, m.name);
  for (const u of m.peerURLs) w.bytes(3, u);
  for (const u of m.clientURLs) w.bytes(4, u);
  return w.bool(5, m.isLearner);
}

/** A response of header and members (list, remove, update, promote), optionally with the added member. */
export interface MembersResponse {
  header: ResponseHeader;
  members: MemberInfo[];
  member?: MemberInfo;
}

export function membersJSON(r: MembersResponse): Json {
  return jsonObject([
    ['header', headerJSON(r.header)],
    ['member', r.member ? memberJSON(r.member) : undefined],
    ['members', oe.array(r.members.map(memberJSON))],
  ]);
}

export function membersPB(r: MembersResponse): ProtoWriter {
  const w = new ProtoWriter().message(1, headerPB(r.header));
  if (r.member) w.message(2, memberPB(r.member));
  return w.messages(r.member ? 3 : 2, r.members, memberPB);
}

/** makeMemberListTable: ID (%x), status, name, peer and client URLs, learner. */
function memberRows(r: MemberListResponse): string[][] {
  return r.members.map((m) => [m.ID, m.name ? 'started' : 'unstarted', m.name, m.peerURLs.join(','), m.clientURLs.join(','), String(m.isLearner)]);
}

function memberListFields(r: MemberListResponse): string {
  let s = headerFields(r.header);
  for (const m of r.members) {
    s += `"ID" : ${u64FromHex(m.ID)}\n"Name" : ${goQuote(m.name)}\n`;
    for (const u of m.peerURLs) s += `"PeerURL" : ${goQuote(u)}\n`;
    for (const u of m.clientURLs) s += `"ClientURL" : ${goQuote(u)}\n`;
    s += `"IsLearner" : ${m.isLearner}\n\n`;
  }
  return s;
}

export function memberListRenderers(r: MemberListResponse): Renderers {
  return {
    simple: () => memberRows(r).map((row) => row.join(', ') + '\n').join(''),
    json: () => membersJSON(r),
    fields: () => memberListFields(r),
    protobuf: () => membersPB(r),
    table: () => renderTable(['ID', 'STATUS', 'NAME', 'PEER ADDRS', 'CLIENT ADDRS', 'IS LEARNER'], memberRows(r)),
  };
}

/** member add/remove/update/promote: "Member %16x <verb> cluster %16x" or the raw response. */
export function memberChangeRenderers(line: string, r: MembersResponse): Renderers {
  return {
    simple: () => line,
    json: () => membersJSON(r),
    protobuf: () => membersPB(r),
  };
}
