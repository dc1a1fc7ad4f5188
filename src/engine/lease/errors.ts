// Lease error texts in the words clients see (etcd 3.4 api/v3rpc/rpctypes):
// the lessor's own errors map one to one onto these gRPC errors.
export const ErrLeaseNotFound = 'etcdserver: requested lease not found';
export const ErrLeaseExist = 'etcdserver: lease already exists';
export const ErrLeaseTTLTooLarge = 'etcdserver: too large lease TTL';

/**
 * lease.ErrNotPrimary: a keep-alive reached a lessor that is not the leader's.
 * Never shown to clients: etcdserver forwards the keep-alive to the leader.
 */
export const ErrNotPrimary = 'not a primary lessor';
