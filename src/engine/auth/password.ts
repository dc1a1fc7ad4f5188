// Password hashing for the simulated auth store. etcd stores bcrypt hashes (cost 10 by
// default); bcrypt is far too slow for a simulation that replays thousands of requests, so
// this is NOT bcrypt: a salted SHA-256, "$sha256$<salt hex>$<digest hex>", salt from the
// injected PRNG. Like bcrypt's output it is self-describing and salted, so equal passwords
// still get different hashes, and the same seed gives the same hashes.

import { sha256 } from '@noble/hashes/sha2.js';
import type { Prng } from '../util/prng.ts';
import { bytesToHex, fromUtf8, utf8 } from '../util/bytes.ts';

const PREFIX = '$sha256$';
const SALT_BYTES = 16;

function digest(salt: string, password: string): string {
  return bytesToHex(sha256(utf8(`${salt}$${password}`)));
}

/** A fresh salted hash of password (the role of bcrypt.GenerateFromPassword). */
export function hashPassword(password: string, prng: Prng): Uint8Array {
  const salt = new Uint8Array(SALT_BYTES);
  for (let i = 0; i < SALT_BYTES; i += 4) {
    const r = prng.u32();
    salt[i] = r >>> 24;
    salt[i + 1] = (r >>> 16) & 0xff;
    salt[i + 2] = (r >>> 8) & 0xff;
    salt[i + 3] = r & 0xff;
  }
  const saltHex = bytesToHex(salt);
  return utf8(`${PREFIX}${saltHex}$${digest(saltHex, password)}`);
}

/** bcrypt.CompareHashAndPassword: true when password matches; false for anything malformed. */
export function checkPassword(hashed: Uint8Array, password: string): boolean {
  const text = fromUtf8(hashed);
  if (!text.startsWith(PREFIX)) return false;
  const [saltHex, want, ...rest] = text.slice(PREFIX.length).split('$');
  if (saltHex === undefined || want === undefined || rest.length > 0) return false;
  return digest(saltHex, password) === want;
}
