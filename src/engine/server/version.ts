// The etcd version this engine behaves as, and the cluster version a settled
// cluster of such members reports (major.minor.0).
export const ETCD_VERSION = '3.4.23';
export const CLUSTER_VERSION = ETCD_VERSION.replace(/\.\d+$/, '.0');
