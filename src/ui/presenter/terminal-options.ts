// Terminal settings the page changes on the fly: the screen-reader mode
// (xterm's screenReaderMode, kept in localStorage) and the font size
// (larger in presenter mode), and the cursor's blink (off for reduced
// motion). Every terminal tab follows them.
export interface TerminalOptions {
  screenReaderMode: boolean;
  fontSize: number;
  /** Off when the system asks for reduced motion. */
  cursorBlink: boolean;
}

const KEY = 'etcd-playground:screen-reader';
const listeners = new Set<(o: TerminalOptions) => void>();

function storedScreenReader(): boolean {
  try {
    return globalThis.localStorage?.getItem(KEY) === '1';
  } catch {
    return false;
  }
}

function reducedMotion(): boolean {
  return globalThis.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
}

let options: TerminalOptions = { screenReaderMode: storedScreenReader(), fontSize: 13, cursorBlink: !reducedMotion() };

export function terminalOptions(): TerminalOptions {
  return options;
}

function change(patch: Partial<TerminalOptions>): void {
  options = { ...options, ...patch };
  for (const fn of listeners) fn(options);
}

export function setScreenReaderMode(on: boolean): void {
  try {
    globalThis.localStorage?.setItem(KEY, on ? '1' : '0');
  } catch {
    // Storage disabled: the setting holds for this page only.
  }
  change({ screenReaderMode: on });
}

export function setTerminalFontSize(px: number): void {
  if (px !== options.fontSize) change({ fontSize: px });
}

/** Calls fn on every change; returns the unsubscribe. */
export function onTerminalOptions(fn: (o: TerminalOptions) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
