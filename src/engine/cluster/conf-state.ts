// The membership a member has applied (etcd's RaftCluster), as a plain
// ConfState: whether a conf change fits it, and the membership after it.
import type { ConfChange, ConfState } from '../raft/types.ts';

/** Like etcd's ValidateConfigurationChange on the applied membership. */
export function validConfChange(cc: ConfChange, cs: ConfState): boolean {
  const voter = cs.voters.includes(cc.nodeId);
  const learner = cs.learners.includes(cc.nodeId);
  switch (cc.type) {
    case 'ConfChangeAddNode':
      return !voter; // adding a learner again promotes it
    case 'ConfChangeAddLearnerNode':
      return !voter && !learner;
    case 'ConfChangeRemoveNode':
    case 'ConfChangeUpdateNode':
      return voter || learner;
  }
}

/** The membership after cc (an update leaves it as it was). */
export function nextConfState(cs: ConfState, cc: ConfChange): ConfState {
  const id = cc.nodeId;
  const voters = cs.voters.filter((v) => v !== id);
  const learners = cs.learners.filter((v) => v !== id);
  if (cc.type === 'ConfChangeAddNode') voters.push(id);
  else if (cc.type === 'ConfChangeAddLearnerNode') learners.push(id);
  else if (cc.type === 'ConfChangeUpdateNode') return cs;
  return { voters, learners };
}
