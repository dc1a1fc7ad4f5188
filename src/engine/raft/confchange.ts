// Conf changes travel in EntryConfChange entries; this is their byte encoding.
import type { ConfChange, ConfChangeType } from './types.ts';

const TYPES: ConfChangeType[] = ['ConfChangeAddNode', 'ConfChangeRemoveNode', 'ConfChangeUpdateNode', 'ConfChangeAddLearnerNode'];

function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

function fromHex(s: string): Uint8Array {
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function encodeConfChange(cc: ConfChange): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ t: cc.type, n: cc.nodeId, c: toHex(cc.context) }));
}

export function decodeConfChange(data: Uint8Array): ConfChange {
  const o = JSON.parse(new TextDecoder().decode(data)) as { t: string; n: string; c: string };
  if (!TYPES.includes(o.t as ConfChangeType) || typeof o.n !== 'string' || typeof o.c !== 'string') {
    throw new Error('raft: malformed conf change');
  }
  return { type: o.t as ConfChangeType, nodeId: o.n, context: fromHex(o.c) };
}
