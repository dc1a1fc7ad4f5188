// What the page and the tests share to replay a scenario: the world it asks
// for, its fault settings, the leader/term history a run goes through, and a
// headless replay (bare consoles instead of xterm tabs) for tests and for
// checking the shipped scenarios. Pure, no DOM.
import { EtcdCluster } from '../../engine/server/etcd-cluster.ts';
import { World } from '../../terminal/core/world.ts';
import { Console } from '../../terminal/shell/console.ts';
import { applyFaults, followLeaders, type Leadership } from './leaders.ts';
import { type RunOptions, type ScriptTerminals, runSteps } from './runner.ts';
import { type Scenario, clusterOf } from './scenario.ts';
import { parseScript } from './script.ts';

export { applyFaults, followLeaders, type Leadership };

/** The page's world settings for a scenario (its WorldConfig). */
export function worldConfigOf(s: Scenario): { seed: number } & ReturnType<typeof clusterOf> {
  return { seed: s.seed, ...clusterOf(s) };
}

export interface HeadlessRun {
  world: World;
  /** What each terminal showed (ANSI sequences stripped), terminal 1 first. */
  screens: string[];
  leaders: Leadership[];
}

// A redraw of the edited line (everything on the row before it is gone), then other ANSI sequences.
// eslint-disable-next-line no-control-regex
const REDRAW = /[^\n]*\r\x1b\[J/g;
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\r/g;

/** Terminals made of bare consoles (no xterm): what tests and checks drive. */
export function consoleTerminals(world: World): ScriptTerminals & { consoles: Console[]; screens: () => string[] } {
  const consoles: Console[] = [];
  const outs: string[] = [];
  const add = () => {
    const i = consoles.length;
    outs.push('');
    const c = new Console({ world, cols: () => 200, write: (d) => (outs[i] += typeof d === 'string' ? d : new TextDecoder().decode(d)) });
    c.start();
    consoles.push(c);
  };
  add();
  const cur = () => consoles[consoles.length - 1]!;
  return {
    consoles,
    open: () => {
      add();
      return Promise.resolve();
    },
    type: (keys) => cur().key(keys),
    ready: () => !cur().shell.busy || cur().shell.readingStdin,
    screens: () => outs.map((o) => o.replace(REDRAW, '').replace(ANSI, '')),
  };
}

/** Replays a scenario without a page; tailMs more of simulated time afterwards (the page runs on in real time). */
export async function replayHeadless(s: Scenario, opts: RunOptions & { tailMs?: number } = {}): Promise<HeadlessRun> {
  const parsed = parseScript(s.script);
  if (!parsed.ok) throw new Error(parsed.error);
  const world = new World(new EtcdCluster({ ...worldConfigOf(s), traceCapacity: 1000 }));
  applyFaults(world.etcd.cluster, s.faults);
  const leaders = followLeaders(world.etcd.cluster);
  const terms = consoleTerminals(world);
  await runSteps(world, parsed.steps, terms, opts);
  if (opts.tailMs) await world.advance(opts.tailMs);
  leaders.stop();
  return { world, screens: terms.screens(), leaders: leaders.list };
}
