// Shared set-up for the request-path tests: an EtcdCluster driven in virtual
// time, and calls whose callbacks are collected with the time they fired.
import { expect } from 'vitest';
import { EtcdCluster, type EtcdClusterOptions } from '../../src/engine/server/etcd-cluster.ts';
import type { EtcdServer } from '../../src/engine/server/server.ts';
import type { RequestError } from '../../src/engine/server/request-errors.ts';
import type { KeyValue } from '../../src/engine/mvcc/types.ts';
import { b, t } from './helpers.ts';

export { b, t };

/** One call's outcome: error or response, and the virtual time its callback ran. */
export interface Done<T> {
  err?: RequestError;
  resp?: T;
  at: number;
}

/** Starts a call; the returned object fills in when its callback runs. */
export function start<T>(ec: EtcdCluster, fn: (cb: (err: RequestError | undefined, resp?: T) => void) => void): { done?: Done<T> } {
  const box: { done?: Done<T> } = {};
  fn((err, resp) => {
    expect(box.done).toBeUndefined(); // a callback runs once
    box.done = { err, resp, at: ec.cluster.now() };
  });
  return box;
}

/** Runs a call to completion (within maxMs of virtual time). */
export function call<T>(ec: EtcdCluster, fn: (cb: (err: RequestError | undefined, resp?: T) => void) => void, maxMs = 20_000): Done<T> {
  const box = start(ec, fn);
  expect(ec.cluster.runUntil(() => box.done !== undefined, maxMs)).toBe(true);
  return box.done!;
}

/** Runs until a leader has applied its no-op entry (its lessor is then primary). */
export function ready(ec: EtcdCluster, maxMs = 5000): EtcdServer {
  expect(ec.cluster.runUntil(() => ec.leaderServer()?.sm.lessor.isPrimary() === true, maxMs)).toBe(true);
  return ec.leaderServer()!;
}

export function build(seed: number, opts: EtcdClusterOptions = {}): EtcdCluster {
  return new EtcdCluster({ seed, ...opts });
}

export const followers = (ec: EtcdCluster): string[] => {
  const l = ec.cluster.leader()!.id;
  return ec.ids().filter((id) => id !== l && ec.cluster.nodes.get(id)!.isUp());
};

/** A key's value in a member's store right now, straight from the store. */
export function local(ec: EtcdCluster, id: string, key: string): string | undefined {
  const kvs = ec.get(id).sm.kv.range({ key: b(key) }).kvs;
  return kvs.length ? t(kvs[0]!.value) : undefined;
}

export const values = (kvs: KeyValue[] | undefined): string[] => (kvs ?? []).map((kv) => `${t(kv.key)}=${t(kv.value)}`);
