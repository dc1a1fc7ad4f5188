// Presenter-mode keys: what a key press means, whether the page should take
// it at all (never while someone types in the terminal or a form field), and
// the shell line each cluster shortcut runs, so it shows in the terminal and
// the activity log like any typed command.
import type { MessageKey } from '../i18n/messages.ts';

export type ShortcutAction = 'kill' | 'partition' | 'heal' | 'step' | 'play' | 'help' | 'toggle' | 'exit';

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

/** What the page needs to know about the focused element. */
export interface FocusTarget {
  tagName: string;
  isContentEditable?: boolean;
  closest(selector: string): unknown;
  getAttribute(name: string): string | null;
}

/** The legend, in the order it is shown. */
export const SHORTCUTS: readonly { keys: string[]; action: ShortcutAction; label: MessageKey }[] = [
  { keys: ['k'], action: 'kill', label: 'key.kill' },
  { keys: ['p'], action: 'partition', label: 'key.partition' },
  { keys: ['h'], action: 'heal', label: 'key.heal' },
  { keys: ['s', '→'], action: 'step', label: 'key.step' },
  { keys: ['Space'], action: 'play', label: 'key.play' },
  { keys: ['?'], action: 'help', label: 'key.help' },
  { keys: ['Shift+P'], action: 'toggle', label: 'key.toggle' },
  { keys: ['Esc'], action: 'exit', label: 'key.exit' },
];

/** The action of a key press; presenter-only keys mean nothing outside presenter mode. */
export function shortcutOf(e: KeyPress, presenting: boolean): ShortcutAction | undefined {
  if (e.ctrlKey || e.altKey || e.metaKey) return undefined;
  if (e.key === 'P' && e.shiftKey) return 'toggle';
  if (!presenting) return undefined;
  switch (e.key) {
    case 'k':
      return 'kill';
    case 'p':
      return 'partition';
    case 'h':
      return 'heal';
    case 's':
    case 'ArrowRight':
      return 'step';
    case ' ':
      return 'play';
    case '?':
      return 'help';
    case 'Escape':
      return 'exit';
    default:
      return undefined;
  }
}

/** Whether keys pressed here belong to what has focus: the terminal, a form field, an editable area. */
export function isTyping(el: FocusTarget | null | undefined): boolean {
  if (!el) return false;
  const tag = el.tagName.toLowerCase();
  if (tag === 'input' || tag === 'textarea' || tag === 'select') return true;
  if (el.isContentEditable) return true;
  return el.closest('.xterm') != null;
}

/** Keys a focused control uses itself: Space presses a button, Escape closes a dialog. */
export function controlOwnsKey(el: FocusTarget | null | undefined, key: string): boolean {
  if (!el || (key !== ' ' && key !== 'Enter')) return false;
  const tag = el.tagName.toLowerCase();
  return tag === 'button' || tag === 'a' || tag === 'summary' || el.getAttribute('role') === 'button' || el.getAttribute('role') === 'tab';
}

/** The shell line a cluster shortcut runs, or undefined when there is no leader to act on. */
export function shellLine(action: 'kill' | 'partition' | 'heal', leaderName: string | undefined): string | undefined {
  if (action === 'heal') return 'heal';
  if (leaderName === undefined) return undefined;
  return action === 'kill' ? `kill ${leaderName}` : `partition ${leaderName}`;
}
