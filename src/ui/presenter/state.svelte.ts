// Presenter mode's state, shared by the header toggle, the presenter bar and
// the page layout: on or off, the chosen panels, and the shortcut legend.
import { loadPanels, presentRequested, savePanels, type PresenterPanel } from './panels.ts';
import { setTerminalFontSize } from './terminal-options.ts';

export const presenter = $state({
  on: presentRequested(globalThis.location?.search ?? ''),
  panels: loadPanels(),
  legend: false,
});

const PRESENT_FONT = 20;
const NORMAL_FONT = 13;

/** Presenter mode on or off; the page's root class switches the large, high-contrast styles. */
export function setPresenting(on: boolean): void {
  presenter.on = on;
  if (!on) presenter.legend = false;
  document.documentElement.classList.toggle('present', on);
  // Keys go to the shortcuts from the start, not to a terminal that had focus.
  const focused = document.activeElement;
  if (on && focused instanceof HTMLElement && focused.closest('.xterm')) focused.blur();
  setTerminalFontSize(on ? PRESENT_FONT : NORMAL_FONT);
}

export function setPanel(p: PresenterPanel, shown: boolean): void {
  presenter.panels[p] = shown;
  savePanels($state.snapshot(presenter.panels));
}

// A page opened with ?present=1 starts presenting.
if (presenter.on) setPresenting(true);
