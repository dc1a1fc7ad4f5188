// Runs a playground command the way a person would: typed into a terminal
// and entered, so its output, the terminal's history and the activity log
// (the request-path view) all show it. The terminal takes focus to show the
// line; focus goes back where it was so the next shortcut still works.
import { typeIntoTerminal } from '../activity.ts';

export function runInTerminal(line: string): boolean {
  const before = document.activeElement;
  // Ctrl-U (sent by the terminal control) clears a half-typed line first; \r enters this one.
  if (!typeIntoTerminal(`${line}\r`)) return false;
  setTimeout(() => {
    if (before instanceof HTMLElement && before !== document.body) before.focus();
    else if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
  }, 0);
  return true;
}
