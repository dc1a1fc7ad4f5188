// Replays a script's steps into the page's terminals in simulated time, as
// fast as the machine allows and with nothing else driving the world. Every
// line is typed at a virtual time that depends only on the script and the
// run before it, so the same scenario (seed, settings, script) replays the
// same history on every load. Pure: the terminals come in through
// ScriptTerminals (xterm tabs on the page, bare consoles in tests).
import type { World } from '../../terminal/core/world.ts';
import type { Step } from './script.ts';

export interface ScriptTerminals {
  /** Opens another terminal and makes it the current one; resolves once it takes keys. */
  open(): Promise<void>;
  /** Keys for the current terminal (a line ends with '\r'). */
  type(keys: string): void;
  /** Whether the current terminal takes the next line now: no command runs, or the one running reads its input. */
  ready(): boolean;
}

export interface RunOptions {
  /** Longest a line waits for its command before the next line for the same terminal is typed ahead (virtual ms). */
  lineCapMs?: number;
  /** Called before each step (the page re-asserts that its clock is paused). */
  beforeStep?: (index: number, step: Step) => void;
  /** Checked before each step: true stops the replay (the world was replaced). */
  cancelled?: () => boolean;
}

export const LINE_CAP_MS = 30_000;

/** Runs the steps; resolves with the number of steps done (fewer if cancelled). */
export async function runSteps(world: World, steps: readonly Step[], terms: ScriptTerminals, opts: RunOptions = {}): Promise<number> {
  const cap = opts.lineCapMs ?? LINE_CAP_MS;
  let open = 1;
  await world.settle();
  for (let i = 0; i < steps.length; i++) {
    if (opts.cancelled?.()) return i;
    const step = steps[i]!;
    opts.beforeStep?.(i, step);
    switch (step.kind) {
      case 'shell':
        while (open < step.shell) {
          await terms.open();
          open++;
        }
        break;
      case 'wait':
        await world.runUntil(() => false, world.now() + step.ms);
        break;
      case 'interrupt':
        terms.type('\x03');
        await world.runUntil(() => terms.ready(), world.now());
        break;
      case 'line': {
        terms.type(step.text + '\r');
        const next = steps[i + 1];
        const waitForIt = next?.kind === 'line' && next.shell === step.shell;
        await world.runUntil(() => terms.ready(), world.now() + (waitForIt ? cap : 0));
        break;
      }
    }
  }
  await world.settle();
  return steps.length;
}
