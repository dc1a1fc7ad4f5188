// Every KV error text, in etcd 3.4.23's words at both layers, with its gRPC code.
import { describe, expect, it } from 'vitest';
import * as E from '../../src/engine/mvcc/errors.ts';

describe('KV errors', () => {
  const cases: [string, string, E.KvErrorCode][] = [
    [E.ErrCompacted, 'etcdserver: mvcc: required revision has been compacted', 'OutOfRange'],
    [E.ErrFutureRev, 'etcdserver: mvcc: required revision is a future revision', 'OutOfRange'],
    [E.ErrNoSpace, 'etcdserver: mvcc: database space exceeded', 'ResourceExhausted'],
    [E.ErrKeyNotFound, 'etcdserver: key not found', 'InvalidArgument'],
    [E.ErrLeaseNotFound, 'etcdserver: requested lease not found', 'NotFound'],
    [E.ErrGRPCEmptyKey, 'etcdserver: key is not provided', 'InvalidArgument'],
    [E.ErrGRPCValueProvided, 'etcdserver: value is provided', 'InvalidArgument'],
    [E.ErrGRPCLeaseProvided, 'etcdserver: lease is provided', 'InvalidArgument'],
    [E.ErrGRPCTooManyOps, 'etcdserver: too many operations in txn request', 'InvalidArgument'],
    [E.ErrGRPCDuplicateKey, 'etcdserver: duplicate key given in txn request', 'InvalidArgument'],
  ];
  for (const [message, rpc, code] of cases) {
    it(`${message} -> ${rpc}`, () => {
      const err = new E.KvError(message);
      expect(err).toBeInstanceOf(Error);
      expect([err.name, err.message, err.rpcMessage, err.code]).toEqual(['KvError', message, rpc, code]);
    });
  }

  it('the mvcc layer speaks without the etcdserver prefix', () => {
    expect(E.ErrCompacted).toBe('mvcc: required revision has been compacted');
    expect(E.ErrFutureRev).toBe('mvcc: required revision is a future revision');
    expect(E.ErrNoSpace).toBe('mvcc: database space exceeded');
    expect(E.ErrLeaseNotFound).toBe('lease not found');
  });
});
