// KV errors in etcd 3.4.23's exact words. Two layers, as in etcd: the mvcc
// package's own texts (mvcc/kvstore.go, etcdserver/errors.go), and the texts
// the gRPC layer turns them into (api/v3rpc/rpctypes/error.go), which are what
// clients and etcdctl print. Request validation (v3rpc/key.go) only exists at
// the gRPC layer, so those errors carry the same text in both. The texts and
// codes were checked against a real etcd 3.4.23 through its JSON gateway.

/** gRPC status codes these errors travel with. */
export type KvErrorCode = 'InvalidArgument' | 'OutOfRange' | 'NotFound' | 'ResourceExhausted';

// mvcc / etcdserver package texts.
export const ErrCompacted = 'mvcc: required revision has been compacted';
export const ErrFutureRev = 'mvcc: required revision is a future revision';
/** etcdserver.ErrNoSpace (raised by the quota check, before the store). */
export const ErrNoSpace = 'mvcc: database space exceeded';
/** etcdserver.ErrKeyNotFound: ignore_value/ignore_lease on a key that does not exist. */
export const ErrKeyNotFound = 'etcdserver: key not found';
/** lease.ErrLeaseNotFound: a put names a lease the lessor does not have. */
export const ErrLeaseNotFound = 'lease not found';

// rpctypes texts (what clients see).
export const ErrGRPCCompacted = 'etcdserver: mvcc: required revision has been compacted';
export const ErrGRPCFutureRev = 'etcdserver: mvcc: required revision is a future revision';
export const ErrGRPCNoSpace = 'etcdserver: mvcc: database space exceeded';
export const ErrGRPCKeyNotFound = 'etcdserver: key not found';
export const ErrGRPCLeaseNotFound = 'etcdserver: requested lease not found';
export const ErrGRPCEmptyKey = 'etcdserver: key is not provided';
export const ErrGRPCValueProvided = 'etcdserver: value is provided';
export const ErrGRPCLeaseProvided = 'etcdserver: lease is provided';
export const ErrGRPCTooManyOps = 'etcdserver: too many operations in txn request';
export const ErrGRPCDuplicateKey = 'etcdserver: duplicate key given in txn request';

/** message -> [rpctypes text, gRPC code]. */
const RPC: Record<string, [string, KvErrorCode]> = {
  [ErrCompacted]: [ErrGRPCCompacted, 'OutOfRange'],
  [ErrFutureRev]: [ErrGRPCFutureRev, 'OutOfRange'],
  [ErrNoSpace]: [ErrGRPCNoSpace, 'ResourceExhausted'],
  [ErrKeyNotFound]: [ErrGRPCKeyNotFound, 'InvalidArgument'],
  [ErrLeaseNotFound]: [ErrGRPCLeaseNotFound, 'NotFound'],
  [ErrGRPCEmptyKey]: [ErrGRPCEmptyKey, 'InvalidArgument'],
  [ErrGRPCValueProvided]: [ErrGRPCValueProvided, 'InvalidArgument'],
  [ErrGRPCLeaseProvided]: [ErrGRPCLeaseProvided, 'InvalidArgument'],
  [ErrGRPCTooManyOps]: [ErrGRPCTooManyOps, 'InvalidArgument'],
  [ErrGRPCDuplicateKey]: [ErrGRPCDuplicateKey, 'InvalidArgument'],
};

/**
 * A refused KV request. message is the text of the layer that raised it (as
 * etcd's Go error); rpcMessage and code are what the gRPC layer answers.
 */
export class KvError extends Error {
  readonly rpcMessage: string;
  readonly code: KvErrorCode;

  constructor(message: string) {
    super(message);
    this.name = 'KvError';
    const rpc = RPC[message];
    this.rpcMessage = rpc ? rpc[0] : message;
    this.code = rpc ? rpc[1] : 'InvalidArgument';
  }
}
