// Shared set-up for the client tests: a 3-member cluster, its members' endpoints, and calls run to completion.
import { expect } from 'vitest';
import { Client, type ClientOptions } from '../../src/engine/client/index.ts';
import type { EtcdCluster } from '../../src/engine/server/etcd-cluster.ts';
import type { Callback } from '../../src/engine/server/request-errors.ts';
import { type Done, b, build, ready, t } from '../server/request-helpers.ts';

export { b, t, build, ready };

/** The member ID behind a member name. */
export function idOf(ec: EtcdCluster, name: string): string {
  for (const m of ec.cluster.members.values()) if (m.name === name) return m.id;
  throw new Error(`no member ${name}`);
}

export function client(ec: EtcdCluster, opts: Partial<ClientOptions> = {}): Client {
  return new Client(ec, { endpoints: ['http://127.0.0.1:2379', 'http://127.0.0.1:12379', 'http://127.0.0.1:22379'], ...opts });
}

/** Runs one client call to completion, with the virtual time it finished at. */
export function run<T>(ec: EtcdCluster, fn: (cb: Callback<T>) => void, maxMs = 20_000): Done<T> {
  const box: { done?: Done<T> } = {};
  fn((err, resp) => {
    expect(box.done).toBeUndefined();
    box.done = { err, resp, at: ec.cluster.now() };
  });
  expect(ec.cluster.runUntil(() => box.done !== undefined, maxMs)).toBe(true);
  return box.done!;
}
