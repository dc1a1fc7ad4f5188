// The auth store's persistent part (etcd's auth, authUsers and authRoles buckets): the
// enabled flag, the auth revision, users and roles. Tokens are not here: like etcd's they
// live in memory only. Encoded as versioned JSON, byte fields in base64, sorted by name so
// equal states give equal bytes.

import { fromBase64, fromUtf8, toBase64, utf8 } from '../util/bytes.ts';
import type { Permission, PermissionType, Role, User } from './types.ts';

export interface AuthState {
  enabled: boolean;
  revision: number;
  users: User[];
  roles: Role[];
}

const FORMAT = 'etcd-playground/auth';
const VERSION = 1;

interface PermJson {
  permType: PermissionType;
  key: string;
  rangeEnd: string;
}

interface StateJson {
  format: string;
  version: number;
  enabled: boolean;
  revision: number;
  users: { name: string; password: string; roles: string[]; noPassword: boolean }[];
  roles: { name: string; keyPermission: PermJson[] }[];
}

export function encodeAuthState(s: AuthState): Uint8Array {
  const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const json: StateJson = {
    format: FORMAT,
    version: VERSION,
    enabled: s.enabled,
    revision: s.revision,
    users: [...s.users].sort(byName).map((u) => ({
      name: u.name,
      password: toBase64(u.password),
      roles: [...u.roles],
      noPassword: u.options.noPassword,
    })),
    roles: [...s.roles].sort(byName).map((r) => ({
      name: r.name,
      keyPermission: r.keyPermission.map((p) => ({
        permType: p.permType,
        key: toBase64(p.key),
        rangeEnd: toBase64(p.rangeEnd),
      })),
    })),
  };
  return utf8(JSON.stringify(json));
}

function fail(why: string): never {
  throw new Error(`auth: invalid snapshot: ${why}`);
}

const PERM_TYPES: readonly string[] = ['READ', 'WRITE', 'READWRITE'];

function decodePerm(p: PermJson): Permission {
  if (!PERM_TYPES.includes(p.permType)) fail(`unknown permission type ${JSON.stringify(p.permType)}`);
  if (typeof p.key !== 'string' || typeof p.rangeEnd !== 'string') fail('permission key or range end missing');
  return { permType: p.permType, key: fromBase64(p.key), rangeEnd: fromBase64(p.rangeEnd) };
}

export function decodeAuthState(bytes: Uint8Array): AuthState {
  let json: StateJson;
  try {
    json = JSON.parse(fromUtf8(bytes)) as StateJson;
  } catch {
    fail('not JSON');
  }
  if (json === null || typeof json !== 'object' || json.format !== FORMAT) fail('not an auth snapshot');
  if (json.version !== VERSION) fail(`unsupported version ${String(json.version)}`);
  if (typeof json.enabled !== 'boolean' || !Number.isSafeInteger(json.revision) || json.revision < 0) {
    fail('bad enabled flag or revision');
  }
  if (!Array.isArray(json.users) || !Array.isArray(json.roles)) fail('users or roles missing');
  const users: User[] = json.users.map((u) => {
    if (typeof u.name !== 'string' || typeof u.password !== 'string' || !Array.isArray(u.roles)) fail('bad user');
    return {
      name: u.name,
      password: fromBase64(u.password),
      roles: u.roles.map((r) => (typeof r === 'string' ? r : fail('bad role name'))),
      options: { noPassword: u.noPassword === true },
    };
  });
  const roles: Role[] = json.roles.map((r) => {
    if (typeof r.name !== 'string' || !Array.isArray(r.keyPermission)) fail('bad role');
    return { name: r.name, keyPermission: r.keyPermission.map(decodePerm) };
  });
  return { enabled: json.enabled, revision: json.revision, users, roles };
}
