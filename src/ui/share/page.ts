// The page's side of sharing: records what the terminals get (to build a
// link of the run so far), replays a link's scenario when the page opens
// with one, and opens scenarios from files or the shipped list. Engine
// objects stay here; the Share menu gets strings and plain data.
//
// The terminals are followed through the activity log's per-tab hook (each
// tab's shell is wrapped as it mounts), so neither the shell nor the
// terminal pane knows about sharing. Tests read window.__etcdShare.
import type { Shell } from '../../terminal/shell/shell.ts';
import { activeTerminal, onShell, openTerminal, typeIntoTerminal } from '../activity.ts';
import { lessonFrame, lessonList, skipStep, startLesson } from '../live-extra.ts';
import { showNotice } from '../persist/notice.ts';
import * as pg from '../playground.ts';
import { readBoot } from './boot.ts';
import { encodeScenario, FRAGMENT_KEY } from './codec.ts';
import { applyFaults, followLeaders, type Leadership } from './leaders.ts';
import { runSteps, type ScriptTerminals } from './runner.ts';
import { canonical, type FaultSettings, type Scenario, scenarioFile } from './scenario.ts';
import { scriptOf, type Typed } from './script.ts';

export type ReplayState = 'none' | 'running' | 'done' | 'failed';

/** What tests read through window.__etcdShare. */
export interface ShareTestHook {
  state: () => ReplayState;
  /** Why the address's link was refused, if it was. */
  error: () => string | undefined;
  /** Who led in which term since the world started. */
  leaders: () => Leadership[];
  /** The scenario of the run so far, and its link. */
  scenario: () => Scenario;
  link: () => string;
  now: () => number;
  /** Virtual time at which the replay of the address's link ended. */
  replayEnd: () => number | undefined;
}

declare global {
  interface Window {
    __etcdShare?: ShareTestHook;
  }
}

// ---- recording ----------------------------------------------------------

const shells = new Map<number, Shell>();
let typed: Typed[] = [];
let origin = 0;
/** The world came from a save: what was typed before the reload is unknown. */
let partial = false;
let faults: FaultSettings | undefined;
let leaders: Leadership[] = [];
let replay: ReplayState = 'none';
let replayEnd: number | undefined;

pg.onWorld((w) => {
  typed = [];
  origin = w.now();
  partial = pg.generation === 0 && window.__etcdPlayground?.origin === 'restored';
  if (pg.generation > 0) faults = undefined;
  const f = followLeaders(w.etcd.cluster);
  leaders = f.list;
  return f.stop;
});

function record(tab: number, line: string | undefined): void {
  typed.push({ tab, line, t: pg.world.now() });
  if (typed.length > 5000) typed.splice(0, typed.length - 5000);
}

// Every terminal tab's shell, as TerminalPane registers it.
onShell((tab: number, shell: Shell) => {
  shells.set(tab, shell);
  const unobserve = shell.observe((e) => {
    // An empty line at a fresh prompt does nothing; a line for a running command is its input.
    if (e.kind === 'line' && !e.busy && (e.line!.trim() !== '' || e.prompt !== '$ ')) record(tab, e.line);
    else if (e.kind === 'stdin' && e.readingStdin) record(tab, e.line);
    else if (e.kind === 'interrupt' && (e.busy || e.prompt !== '$ ')) record(tab, undefined);
  });
  return () => {
    unobserve();
    if (shells.get(tab) === shell) shells.delete(tab);
  };
});

/** The run so far as a scenario: set-up, seed, the faults it started with, the lines typed, the lesson open. */
export function currentScenario(): Scenario {
  const c = pg.config;
  const s: Scenario = {
    etcdplay: 1,
    seed: c.seed,
    cluster: {
      nodes: c.nodes,
      heartbeatInterval: c.heartbeatInterval,
      electionTimeout: c.electionTimeout,
      snapshotCount: c.snapshotCount,
      preVote: c.preVote,
      checkQuorum: c.checkQuorum,
    },
    faults,
    script: scriptOf(typed, origin),
  };
  const l = lessonFrame();
  if (l && !l.finished) s.lesson = { id: l.id, step: l.index };
  return canonical(s);
}

/** The page's address without query extras or fragment, plus `query` (e.g. '?embed=1'). */
export function pageBase(query = ''): string {
  return `${location.origin}${location.pathname}${query}`;
}

export function linkFor(s: Scenario, query = ''): string {
  return `${pageBase(query)}#${FRAGMENT_KEY}=${encodeScenario(s)}`;
}

/** Facts the Share menu shows beside the link. */
export function recordingInfo(): { lines: number; partial: boolean } {
  return { lines: typed.filter((x) => x.line !== undefined && x.line.trim() !== '').length, partial };
}

/** Opens a scenario: the page reloads on its link (a fresh playground that replays it). */
export function openScenario(s: Scenario): void {
  location.assign(linkFor(s, location.search.includes('embed') ? location.search : ''));
  location.reload();
}

/** A `.etcdplay.json` download of the scenario. */
export function downloadScenario(s: Scenario): void {
  const blob = new Blob([scenarioFile(s)], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  const stem = (s.title ?? 'playground').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'playground';
  a.download = `${stem}.etcdplay.json`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

// ---- replaying the address's link ----------------------------------------

const boot = readBoot();
if (boot.scenario) {
  // Nothing may move the world before the script's first line: it starts at virtual time 0.
  pg.driver.paused = true;
  faults = boot.scenario.faults;
  applyFaults(pg.world.etcd.cluster, faults);
}

const wallSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what} did not happen within ${ms / 1000} s`);
    await wallSleep(10);
  }
}

/** The page's terminal tabs as the runner sees them: keys go to the active tab. */
function pageTerminals(): ScriptTerminals {
  const shell = () => shells.get(activeTerminal() ?? -1);
  return {
    open: async () => {
      const before = activeTerminal();
      openTerminal();
      await until(() => activeTerminal() !== before && shell() !== undefined, 'opening a terminal');
    },
    type: (keys) => {
      // The lessons' typing goes to an idle tab when the active one is busy: keys for a
      // running command (Ctrl-C, a line of its input) go to its shell directly instead.
      const s = shell();
      if (s?.busy && keys === '\x03') {
        s.write('^C');
        s.interrupt();
      } else if (s?.busy && s.readingStdin && keys.endsWith('\r')) {
        s.write(keys.slice(0, -1) + '\n');
        s.sendStdin(keys.slice(0, -1));
      } else typeIntoTerminal(keys);
    },
    ready: () => {
      const s = shell();
      return !s || !s.busy || s.readingStdin;
    },
  };
}

/** Replays the address's scenario, if it has one (main.ts calls this once the page is mounted). */
export async function runLinkedScenario(): Promise<void> {
  if (boot.error) {
    showNotice(`This share link could not be opened: ${boot.error}. The playground is as it was.`, { tone: 'warn' });
    return;
  }
  const s = boot.scenario;
  if (!s || !boot.steps) return;
  replay = 'running';
  const gen = pg.generation;
  const name = s.title ? `“${s.title}”` : 'the shared scenario';
  const note = showNotice(`Replaying ${name} (${boot.steps.filter((x) => x.kind === 'line').length} lines)…`);
  try {
    await until(() => activeTerminal() !== undefined && shells.size > 0, 'the terminal starting');
    await runSteps(pg.world, boot.steps, pageTerminals(), { beforeStep: () => (pg.driver.paused = true), cancelled: () => pg.generation !== gen });
    if (s.lesson) {
      if (lessonList.some((l) => l.id === s.lesson!.id)) {
        startLesson(s.lesson.id);
        for (let i = 0; i < (s.lesson.step ?? 0); i++) skipStep();
      } else showNotice(`The scenario asks for a lesson this page does not have (${s.lesson.id}).`, { tone: 'warn', timeoutMs: 8000 });
    }
    replay = 'done';
    replayEnd = pg.world.now();
    note.remove();
    showNotice(`Replayed ${name}: the cluster runs on from here.`, { timeoutMs: 6000 });
  } catch (e) {
    replay = 'failed';
    note.remove();
    showNotice(`Replaying ${name} failed: ${e instanceof Error ? e.message : String(e)}`, { tone: 'warn' });
  } finally {
    pg.driver.paused = false;
  }
}

window.__etcdShare = {
  state: () => replay,
  error: () => boot.error,
  leaders: () => leaders.map((l) => ({ ...l })),
  scenario: currentScenario,
  link: () => linkFor(currentScenario()),
  now: () => pg.world.now(),
  replayEnd: () => replayEnd,
};
