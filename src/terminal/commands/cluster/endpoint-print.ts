// etcdctl's printers for endpoint health/status/hashkv (epHealth, epStatus,
// epHashKV lists). None has a protobuf form.
import type { HashKVResponse, StatusResponse } from '../../../engine/api/service.ts';
import {
  type Json,
  type Renderers,
  goQuote,
  headerFields,
  headerJSON,
  jsonArray,
  jsonBool,
  jsonObject,
  jsonString,
  oe,
  renderTable,
  u64FromHex,
} from '../../print/index.ts';
import { humanizeBytes } from './common.ts';

export interface EpHealth {
  ep: string;
  health: boolean;
  took: string;
  error: string;
}

export interface EpStatus {
  ep: string;
  resp: StatusResponse;
}

export interface EpHashKV {
  ep: string;
  resp: HashKVResponse;
}

function healthRow(h: EpHealth): string[] {
  return [h.ep, String(h.health), h.took, h.error];
}

/** Simple health goes to stderr; the caller writes it there. */
export function healthSimple(hs: readonly EpHealth[]): string {
  return hs
    .map((h) =>
      h.error === ''
        ? `${h.ep} is healthy: successfully committed proposal: took = ${h.took}\n`
        : `${h.ep} is unhealthy: failed to commit proposal: ${h.error}\n`,
    )
    .join('');
}

export function healthRenderers(hs: readonly EpHealth[]): Renderers {
  return {
    json: () =>
      jsonArray(
        hs.map((h) =>
          jsonObject([
            ['endpoint', jsonString(h.ep)],
            ['health', jsonBool(h.health)],
            ['took', jsonString(h.took)],
            ['error', oe.string(h.error)],
          ]),
        ),
      ),
    fields: () => hs.map((h) => `"Endpoint" : ${goQuote(h.ep)}\n"Health" : ${h.health}\n"Took" : ${h.took}\n"Error" : ${h.error}\n\n`).join(''),
    table: () => renderTable(['ENDPOINT', 'HEALTH', 'TOOK', 'ERROR'], hs.map(healthRow)),
  };
}

function statusJSON(r: StatusResponse): Json {
  return jsonObject([
    ['header', headerJSON(r.header)],
    ['version', oe.string(r.version)],
    ['dbSize', oe.int(r.dbSize)],
    ['leader', oe.u64hex(r.leader)],
    ['raftIndex', oe.int(r.raftIndex)],
    ['raftTerm', oe.int(r.raftTerm)],
    ['raftAppliedIndex', oe.int(r.raftAppliedIndex)],
    ['errors', oe.array(r.errors.map((e) => jsonString(e)))],
    ['dbSizeInUse', oe.int(r.dbSizeInUse)],
    ['isLearner', oe.bool(r.isLearner)],
  ]);
}

function statusRow(s: EpStatus): string[] {
  const r = s.resp;
  return [
    s.ep,
    r.header.memberId,
    r.version,
    humanizeBytes(r.dbSize),
    String(r.leader === r.header.memberId),
    String(r.isLearner),
    String(r.raftTerm),
    String(r.raftIndex),
    String(r.raftAppliedIndex),
    r.errors.join(', '),
  ];
}

function statusFields(s: EpStatus): string {
  const r = s.resp;
  return (
    headerFields(r.header) +
    `"Version" : ${goQuote(r.version)}\n` +
    `"DBSize" : ${r.dbSize}\n` +
    `"Leader" : ${u64FromHex(r.leader)}\n` +
    `"IsLearner" : ${r.isLearner}\n` +
    `"RaftIndex" : ${r.raftIndex}\n` +
    `"RaftTerm" : ${r.raftTerm}\n` +
    `"RaftAppliedIndex" : ${r.raftAppliedIndex}\n` +
    `"Errors" : [${r.errors.join(' ')}]\n` +
    `"Endpoint" : ${goQuote(s.ep)}\n\n`
  );
}

export function statusRenderers(list: readonly EpStatus[]): Renderers {
  const header = ['ENDPOINT', 'ID', 'VERSION', 'DB SIZE', 'IS LEADER', 'IS LEARNER', 'RAFT TERM', 'RAFT INDEX', 'RAFT APPLIED INDEX', 'ERRORS'];
  return {
    simple: () => list.map((s) => statusRow(s).join(', ') + '\n').join(''),
    json: () => jsonArray(list.map((s) => jsonObject([['Endpoint', jsonString(s.ep)], ['Status', statusJSON(s.resp)]]))),
    fields: () => list.map(statusFields).join(''),
    table: () => renderTable(header, list.map(statusRow)),
  };
}

function hashKVJSON(r: HashKVResponse): Json {
  return jsonObject([
    ['header', headerJSON(r.header)],
    ['hash', oe.int(r.hash)],
    ['compact_revision', oe.int(r.compactRevision)],
  ]);
}

export function hashKVRenderers(list: readonly EpHashKV[]): Renderers {
  return {
    simple: () => list.map((h) => `${h.ep}, ${h.resp.hash}\n`).join(''),
    json: () => jsonArray(list.map((h) => jsonObject([['Endpoint', jsonString(h.ep)], ['HashKV', hashKVJSON(h.resp)]]))),
    fields: () => list.map((h) => headerFields(h.resp.header) + `"Endpoint" : ${goQuote(h.ep)}\n"Hash" : ${h.resp.hash}\n\n`).join(''),
    table: () => renderTable(['ENDPOINT', 'HASH'], list.map((h) => [h.ep, String(h.resp.hash)])),
  };
}
