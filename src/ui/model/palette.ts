// Colours shared by the views: roles and message kinds. One place, so the
// ring, the legend and the log strips agree.
import type { Role } from '../../engine/cluster/trace.ts';
import type { MessageKind } from './messages.ts';

export const ROLE_COLOUR: Record<Role | 'crashed', string> = {
  leader: '#2f9e55',
  follower: '#5b7bd5',
  'pre-candidate': '#e9c25a',
  candidate: '#e0832a',
  learner: '#9a7dd0',
  stopped: '#9aa0a6',
  crashed: '#9aa0a6',
  paused: '#7fb8e6',
};

export const KIND_COLOUR: Record<MessageKind, string> = {
  prevote: '#e9c25a',
  'prevote-resp': '#e9c25a',
  vote: '#e0832a',
  'vote-resp': '#e0832a',
  append: '#2f6fd6',
  'append-resp': '#2f6fd6',
  heartbeat: '#d6457f',
  'heartbeat-resp': '#d6457f',
  snapshot: '#8e44ad',
  other: '#777',
};

export const KIND_LABEL: Record<MessageKind, string> = {
  prevote: 'pre-vote',
  'prevote-resp': 'pre-vote resp',
  vote: 'vote',
  'vote-resp': 'vote resp',
  append: 'append',
  'append-resp': 'append resp',
  heartbeat: 'heartbeat',
  'heartbeat-resp': 'heartbeat resp',
  snapshot: 'snapshot',
  other: 'other',
};
