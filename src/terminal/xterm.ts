// The one place xterm.js meets the shell: a Terminal bound to a Console.
// Keys go in, bytes come out; everything else (editing, history, completion,
// Ctrl-C) is the Console's. Also here: clipboard keys and the history kept in
// localStorage, both browser matters.
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import type { World } from './core/world.ts';
import { Console } from './shell/console.ts';
import type { ShellHost } from './shell/shell.ts';

const HISTORY_KEY = 'etcd-playground:history';

function loadHistory(): string[] {
  try {
    const h: unknown = JSON.parse(localStorage.getItem(HISTORY_KEY) ?? '[]');
    return Array.isArray(h) ? h.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function saveHistory(h: readonly string[]): void {
  try {
    localStorage.setItem(HISTORY_KEY, JSON.stringify(h.slice(-500)));
  } catch {
    // Storage full or disabled: history just stays in memory.
  }
}

export interface TerminalTab {
  readonly console: Console;
  fit(): void;
  focus(): void;
  /** Changes settings on the fly (screen-reader mode, a larger font for a projector, no blinking for reduced motion). */
  configure(o: { screenReaderMode?: boolean; fontSize?: number; cursorBlink?: boolean }): void;
  dispose(): void;
}

export function mountTerminal(el: HTMLElement, world: World, host: ShellHost, banner?: string): TerminalTab {
  const term = new Terminal({
    convertEol: true,
    cursorBlink: true,
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
    fontSize: 13,
    scrollback: 5000,
    theme: { background: '#1e1f24', foreground: '#e6e6e6' },
  });
  const fitAddon = new FitAddon();
  term.loadAddon(fitAddon);
  term.open(el);
  fitAddon.fit();

  const con = new Console({
    world,
    host,
    write: (d) => term.write(d),
    cols: () => term.cols,
    history: loadHistory(),
    onHistory: saveHistory,
  });

  // Copy with Ctrl-C when text is selected (else it is SIGINT) or Ctrl-Shift-C;
  // paste with Ctrl-V / Ctrl-Shift-V through the browser's paste event.
  term.attachCustomKeyEventHandler((ev) => {
    if (ev.type !== 'keydown' || !(ev.ctrlKey || ev.metaKey)) return true;
    const k = ev.key.toLowerCase();
    if (k === 'c' && (ev.shiftKey || ev.metaKey || term.hasSelection())) {
      if (term.hasSelection()) void navigator.clipboard?.writeText(term.getSelection());
      return false;
    }
    if (k === 'v' && !ev.altKey) return false;
    return true;
  });
  const sub = term.onData((d) => con.key(d));
  con.start(banner);

  return {
    console: con,
    fit: () => fitAddon.fit(),
    focus: () => term.focus(),
    configure: (o) => {
      if (o.screenReaderMode !== undefined) term.options.screenReaderMode = o.screenReaderMode;
      if (o.fontSize !== undefined) term.options.fontSize = o.fontSize;
      if (o.cursorBlink !== undefined) term.options.cursorBlink = o.cursorBlink;
      fitAddon.fit();
    },
    dispose: () => {
      sub.dispose();
      term.dispose();
    },
  };
}
