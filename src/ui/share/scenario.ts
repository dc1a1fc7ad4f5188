// A scenario: everything needed to replay a playground run from scratch —
// the cluster's set-up and seed, the network's fault settings, the command
// script typed into the terminals, optionally a lesson to open. The same
// plain JSON is a share link's payload (codec.ts) and a `.etcdplay.json`
// file. Pure, no DOM.
//
// Validation is strict: only the fields below, each of its type and within
// its limits; anything else is refused with a message for people. Text is
// text: script lines, titles and descriptions may hold no control
// characters (no terminal escape sequences, no line breaks inside a line)
// and are only ever shown as text, never as HTML.

export const SCENARIO_FORMAT = 1;

export const LIMITS = {
  /** Script lines (directives included). */
  lines: 400,
  lineChars: 2000,
  titleChars: 120,
  descriptionChars: 2000,
  /** The whole scenario as JSON. */
  jsonBytes: 64 * 1024,
} as const;

export interface ClusterSettings {
  nodes: number;
  heartbeatInterval: number;
  electionTimeout: number;
  snapshotCount: number;
  preVote: boolean;
  checkQuorum: boolean;
}

export interface FaultSettings {
  /** Maximum one-way latency of every link, ms (the fault bar's slider). */
  latency?: number;
  /** Share of messages lost, 0..1. */
  drop?: number;
}

export interface Scenario {
  etcdplay: typeof SCENARIO_FORMAT;
  title?: string;
  description?: string;
  seed: number;
  cluster?: Partial<ClusterSettings>;
  faults?: FaultSettings;
  /** Lines typed into the terminals, in order; see script.ts for the `#` directives. */
  script: string[];
  /** A lesson to open once the script ran, at a step (0 = the first). */
  lesson?: { id: string; step?: number };
}

export const DEFAULT_CLUSTER: Readonly<ClusterSettings> = {
  nodes: 3,
  heartbeatInterval: 100,
  electionTimeout: 1000,
  snapshotCount: 100,
  preVote: true,
  checkQuorum: true,
};

export const SEED_MAX = 2 ** 31 - 1;

export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioError';
  }
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

// C0 and C1 controls, DEL, and the Unicode line/paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// The same, but tabs and line breaks are allowed (a description is prose).
// eslint-disable-next-line no-control-regex
const CONTROL_IN_PROSE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function fields(v: unknown, where: string, allowed: readonly string[]): Obj {
  if (!isObj(v)) throw new ScenarioError(`${where} must be an object`);
  for (const k of Object.keys(v)) {
    if (!allowed.includes(k)) throw new ScenarioError(`${where} has an unknown field "${k.slice(0, 40).replace(CONTROL, '?')}"`);
  }
  return v;
}

function text(v: unknown, where: string, max: number, allowEmpty = true, prose = false): string {
  if (typeof v !== 'string') throw new ScenarioError(`${where} must be text`);
  if (v.length > max) throw new ScenarioError(`${where} is longer than ${max} characters`);
  if (!allowEmpty && v.trim() === '') throw new ScenarioError(`${where} is empty`);
  if ((prose ? CONTROL_IN_PROSE : CONTROL).test(v)) throw new ScenarioError(`${where} holds a control character`);
  return v;
}

function int(v: unknown, where: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ScenarioError(`${where} must be a whole number`);
  if (v < min || v > max) throw new ScenarioError(`${where} must be between ${min} and ${max}`);
  return v;
}

function num(v: unknown, where: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ScenarioError(`${where} must be a number`);
  if (v < min || v > max) throw new ScenarioError(`${where} must be between ${min} and ${max}`);
  return v;
}

function bool(v: unknown, where: string): boolean {
  if (typeof v !== 'boolean') throw new ScenarioError(`${where} must be true or false`);
  return v;
}

function cluster(v: unknown): Partial<ClusterSettings> {
  const o = fields(v, 'cluster', Object.keys(DEFAULT_CLUSTER));
  const out: Partial<ClusterSettings> = {};
  if (o.nodes !== undefined) out.nodes = int(o.nodes, 'cluster.nodes', 1, 7);
  if (o.heartbeatInterval !== undefined) out.heartbeatInterval = int(o.heartbeatInterval, 'cluster.heartbeatInterval', 10, 1000);
  if (o.electionTimeout !== undefined) out.electionTimeout = int(o.electionTimeout, 'cluster.electionTimeout', 50, 10000);
  if (o.snapshotCount !== undefined) out.snapshotCount = int(o.snapshotCount, 'cluster.snapshotCount', 1, 100000);
  if (o.preVote !== undefined) out.preVote = bool(o.preVote, 'cluster.preVote');
  if (o.checkQuorum !== undefined) out.checkQuorum = bool(o.checkQuorum, 'cluster.checkQuorum');
  const full = { ...DEFAULT_CLUSTER, ...out };
  if (full.electionTimeout < 5 * full.heartbeatInterval) {
    throw new ScenarioError(`cluster.electionTimeout must be at least 5 × the heartbeat interval (${5 * full.heartbeatInterval} ms)`);
  }
  return out;
}

function faults(v: unknown): FaultSettings {
  const o = fields(v, 'faults', ['latency', 'drop']);
  const out: FaultSettings = {};
  if (o.latency !== undefined) out.latency = num(o.latency, 'faults.latency', 0, 2000);
  if (o.drop !== undefined) out.drop = num(o.drop, 'faults.drop', 0, 1);
  return out;
}

/** Checks untrusted data (parsed JSON) and returns a clean copy holding only the known fields. */
export function validateScenario(data: unknown): Result<Scenario> {
  try {
    const o = fields(data, 'the scenario', ['etcdplay', 'title', 'description', 'seed', 'cluster', 'faults', 'script', 'lesson']);
    if (o.etcdplay !== SCENARIO_FORMAT) {
      throw new ScenarioError(
        typeof o.etcdplay === 'number' && o.etcdplay > SCENARIO_FORMAT
          ? `the scenario was made by a newer version of the playground (format ${o.etcdplay})`
          : 'this is not a playground scenario (no "etcdplay": 1)',
      );
    }
    const s: Scenario = { etcdplay: SCENARIO_FORMAT, seed: int(o.seed, 'seed', 1, SEED_MAX), script: [] };
    if (o.title !== undefined) s.title = text(o.title, 'title', LIMITS.titleChars);
    if (o.description !== undefined) s.description = text(o.description, 'description', LIMITS.descriptionChars, true, true);
    if (o.cluster !== undefined) s.cluster = cluster(o.cluster);
    if (o.faults !== undefined) s.faults = faults(o.faults);
    if (!Array.isArray(o.script)) throw new ScenarioError('script must be a list of lines');
    if (o.script.length > LIMITS.lines) throw new ScenarioError(`script has more than ${LIMITS.lines} lines`);
    s.script = o.script.map((l, i) => text(l, `script line ${i + 1}`, LIMITS.lineChars));
    if (o.lesson !== undefined) {
      const l = fields(o.lesson, 'lesson', ['id', 'step']);
      const id = text(l.id, 'lesson.id', 40, false);
      if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) throw new ScenarioError('lesson.id must be a lesson name (a-z, 0-9, -)');
      s.lesson = { id };
      if (l.step !== undefined) s.lesson.step = int(l.step, 'lesson.step', 0, 100);
    }
    return { ok: true, value: s };
  } catch (e) {
    if (e instanceof ScenarioError) return { ok: false, error: e.message };
    throw e;
  }
}

/** Parses and validates a scenario file's text. */
export function parseScenarioJSON(json: string): Result<Scenario> {
  if (json.length > LIMITS.jsonBytes) return { ok: false, error: `the scenario is larger than ${LIMITS.jsonBytes / 1024} KiB` };
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return { ok: false, error: 'the scenario is not valid JSON' };
  }
  return validateScenario(data);
}

/** The scenario without fields that say nothing (defaults, empty lists): the shortest equivalent. */
export function canonical(s: Scenario): Scenario {
  // Built field by field to keep the order readable in files.
  const out = { etcdplay: SCENARIO_FORMAT } as Scenario;
  if (s.title) out.title = s.title;
  if (s.description) out.description = s.description;
  out.seed = s.seed;
  const c: Partial<ClusterSettings> = {};
  for (const k of Object.keys(DEFAULT_CLUSTER) as (keyof ClusterSettings)[]) {
    const v = s.cluster?.[k];
    if (v !== undefined && v !== DEFAULT_CLUSTER[k]) (c as Record<string, unknown>)[k] = v;
  }
  if (Object.keys(c).length > 0) out.cluster = c;
  const f: FaultSettings = {};
  if (s.faults?.latency !== undefined) f.latency = s.faults.latency;
  if (s.faults?.drop) f.drop = s.faults.drop;
  if (Object.keys(f).length > 0) out.faults = f;
  out.script = [...s.script];
  if (s.lesson) out.lesson = s.lesson.step ? { id: s.lesson.id, step: s.lesson.step } : { id: s.lesson.id };
  return out;
}

/** The cluster settings a scenario asks for, defaults filled in. */
export function clusterOf(s: Scenario): ClusterSettings {
  return { ...DEFAULT_CLUSTER, ...s.cluster };
}

/** A scenario file's pretty JSON (what "download" saves). */
export function scenarioFile(s: Scenario): string {
  return JSON.stringify(canonical(s), null, 2) + '\n';
}
