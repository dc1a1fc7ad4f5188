// The page's hook between the terminals and the views that follow them: the
// commands each terminal tab runs (with their request paths, activity-log.ts)
// and a way for a view (the lessons) to type into the active terminal or open
// another one. TerminalPane registers itself here; nothing engine-owned leaves.
import { ActivityLog } from './model/activity-log.ts';
import { onWorld, world } from './playground.ts';
import type { Shell } from '../terminal/shell/shell.ts';

export const activity = new ActivityLog(() => world);

onWorld((w) => {
  activity.reset();
  return activity.watchConnects(w);
});

/** Others that follow every terminal tab's shell (share links record what is typed). */
type ShellListener = (tab: number, shell: Shell) => () => void;
const shellListeners = new Set<ShellListener>();

export function onShell(fn: ShellListener): () => void {
  shellListeners.add(fn);
  return () => shellListeners.delete(fn);
}

/** Follows a terminal tab's shell; returns the undo (call it when the tab goes). */
export function trackShell(tab: number, shell: Shell): () => void {
  const undos = [activity.track(tab, shell), ...[...shellListeners].map((fn) => fn(tab, shell))];
  return () => undos.forEach((u) => u());
}

export interface TerminalControl {
  /** Replaces the active terminal's half-typed line with text (not run: the learner presses Enter). */
  type(text: string): void;
  /** Opens another terminal tab and makes it active. */
  open(): void;
  /** The active tab's number. */
  active(): number;
}

let control: TerminalControl | undefined;

/** TerminalPane's registration; returns the undo. */
export function setTerminalControl(c: TerminalControl): () => void {
  control = c;
  return () => {
    if (control === c) control = undefined;
  };
}

export function typeIntoTerminal(text: string): boolean {
  if (!control) return false;
  control.type(text);
  return true;
}

export function openTerminal(): void {
  control?.open();
}

export function activeTerminal(): number | undefined {
  return control?.active();
}
