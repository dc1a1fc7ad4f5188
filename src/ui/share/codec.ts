// Share links: a scenario as a URL fragment, `#s=` + base64url(zlib(JSON)).
// The fragment never reaches a server. Decoding trusts nothing: strict
// base64url, a cap on the link's length and on what it inflates to (read in
// small pieces, so a compression bomb stops early), zlib's own checksum,
// UTF-8 that must be valid, then the scenario's schema check. Pure, no DOM.
import { Unzlib, zlibSync } from 'fflate';
import { LIMITS, type Result, type Scenario, canonical, validateScenario } from './scenario.ts';

export const FRAGMENT_KEY = 's';
/** Longest encoded payload accepted (characters after `#s=`). */
export const MAX_LINK_CHARS = 16_000;

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let j = 0; j < chars; j++) out += B64[(n >> (18 - 6 * j)) & 63];
  }
  return out;
}

/** Strict base64url without padding; undefined for anything else. */
export function fromBase64Url(s: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((s.length * 6) / 8));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (const c of s) {
    acc = (acc << 6) | B64_INDEX.get(c)!;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 255;
      acc &= (1 << bits) - 1;
    }
  }
  // Leftover bits must be zero: one payload, one spelling.
  if (acc !== 0) return undefined;
  return out;
}

function adler32(b: Uint8Array): number {
  let a = 1;
  let s = 0;
  for (let i = 0; i < b.length; i++) {
    a = (a + b[i]!) % 65521;
    s = (s + a) % 65521;
  }
  return ((s << 16) | a) >>> 0;
}

/** Inflates a zlib stream, refusing more than max bytes of output or a bad checksum. */
export function inflateBounded(data: Uint8Array, max: number): Uint8Array | undefined {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let ended = false;
  const z = new Unzlib((chunk, final) => {
    total += chunk.length;
    if (total > max) throw new RangeError('too large');
    chunks.push(chunk);
    if (final) ended = true;
  });
  try {
    const STEP = 256;
    for (let i = 0; i < data.length; i += STEP) z.push(data.subarray(i, i + STEP), i + STEP >= data.length);
  } catch {
    return undefined;
  }
  if (!ended || data.length < 6) return undefined;
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  const t = data.length - 4;
  const want = ((data[t]! << 24) | (data[t + 1]! << 16) | (data[t + 2]! << 8) | data[t + 3]!) >>> 0;
  return adler32(out) === want ? out : undefined;
}

/** The fragment value (without `#s=`) for a scenario. */
export function encodeScenario(s: Scenario): string {
  const json = JSON.stringify(canonical(s));
  return toBase64Url(zlibSync(new TextEncoder().encode(json), { level: 9 }));
}

/** Decodes a fragment value; every failure is a message for people. */
export function decodeScenario(payload: string): Result<Scenario> {
  const bad = (why: string): Result<Scenario> => ({ ok: false, error: why });
  if (payload.length === 0) return bad('the link holds no scenario');
  if (payload.length > MAX_LINK_CHARS) return bad(`the link is too long (over ${MAX_LINK_CHARS} characters)`);
  const bytes = fromBase64Url(payload);
  if (!bytes) return bad('the link is damaged (not base64url)');
  const raw = inflateBounded(bytes, LIMITS.jsonBytes);
  if (!raw) return bad('the link is damaged or too large (it does not unpack)');
  let json: string;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return bad('the link is damaged (not UTF-8 text)');
  }
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return bad('the link is damaged (not JSON)');
  }
  const r = validateScenario(data);
  return r.ok ? r : bad(`the link's scenario is not valid: ${r.error}`);
}

/** The scenario payload of a location hash (`#s=…`, among other `&`-separated keys), if it has one. */
export function payloadOfHash(hash: string): string | undefined {
  const h = hash.startsWith('#') ? hash.slice(1) : hash;
  for (const part of h.split('&')) {
    if (part.startsWith(`${FRAGMENT_KEY}=`)) return part.slice(FRAGMENT_KEY.length + 1);
  }
  return undefined;
}

/** A share link: base (the page's URL without its fragment) + `#s=…`. */
export function shareLink(base: string, s: Scenario): string {
  return `${base.replace(/#.*$/, '')}#${FRAGMENT_KEY}=${encodeScenario(s)}`;
}
