// Error texts clients see, in etcd 3.4's words (etcdserver/errors.go, membership/errors.go).
export const ErrStopped = 'etcdserver: server stopped';
export const ErrNoLeader = 'etcdserver: no leader';
export const ErrMemberNotFound = 'etcdserver: member not found';
export const ErrIDExists = 'etcdserver: member ID already exist';
export const ErrPeerURLExists = 'etcdserver: Peer URLs already exists';
export const ErrMemberNotLearner = 'etcdserver: can only promote a learner member';
export const ErrLearnerNotReady = 'etcdserver: can only promote a learner member which is in sync with leader';
export const ErrRemoved = 'etcdserver: the member has been permanently removed from the cluster';
