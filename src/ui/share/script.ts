// A scenario's script: the lines typed into the page's terminals, in order.
// Most lines are shell input, typed as they are. A few comment lines (inert
// if pasted into a shell) steer the replay:
//
//   # shell N     type the next lines into terminal N (a new one is opened
//                 when N is past the last; terminals are used in order, a
//                 script never returns to an earlier one)
//   # wait S      let S seconds of simulated time pass
//   # ^C          Ctrl-C in the current terminal (stops a watch, a lock, …)
//
// Other `#` lines are comments. Each typed line waits for its command to end
// (or to read its standard input) before the next step when the next step is
// another line for the same terminal; before a directive it only starts.
// Pure, no DOM.

export type Step =
  | { kind: 'line'; text: string; shell: number }
  | { kind: 'shell'; shell: number }
  | { kind: 'wait'; ms: number }
  | { kind: 'interrupt'; shell: number };

export const MAX_SHELLS = 12;
export const MAX_WAIT_S = 3600;

/** The steps of a script, or the first line that cannot be one (1-based). */
export function parseScript(lines: readonly string[]): { ok: true; steps: Step[] } | { ok: false; error: string } {
  const steps: Step[] = [];
  let shell = 1;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const t = raw.trim();
    if (!t.startsWith('#')) {
      // Blank lines too: one may be a command's input (an empty line ends a txn's section).
      steps.push({ kind: 'line', text: raw, shell });
      continue;
    }
    const d = /^#\s*(shell|wait|\^C)\b\s*(.*)$/.exec(t);
    if (!d) continue; // a comment
    const [, name, arg] = d as unknown as [string, string, string];
    const where = `script line ${i + 1}`;
    if (name === 'shell') {
      const n = Number(arg);
      if (!/^\d+$/.test(arg) || n < 1 || n > MAX_SHELLS) return { ok: false, error: `${where}: "# shell" takes a terminal number 1..${MAX_SHELLS}` };
      if (n < shell) return { ok: false, error: `${where}: a script cannot go back to terminal ${n} (it is in terminal ${shell})` };
      if (n !== shell) steps.push({ kind: 'shell', shell: n });
      shell = n;
    } else if (name === 'wait') {
      const s = Number(arg.replace(/s$/, ''));
      if (arg === '' || !Number.isFinite(s) || s < 0 || s > MAX_WAIT_S) return { ok: false, error: `${where}: "# wait" takes seconds, 0..${MAX_WAIT_S}` };
      steps.push({ kind: 'wait', ms: s * 1000 });
    } else {
      if (arg !== '') return { ok: false, error: `${where}: "# ^C" takes no argument` };
      steps.push({ kind: 'interrupt', shell });
    }
  }
  return { ok: true, steps };
}

/** One thing a terminal got while the page ran: a line typed (or a Ctrl-C), with its tab and virtual time. */
export interface Typed {
  tab: number;
  /** The line, or undefined for a Ctrl-C that interrupted a command. */
  line: string | undefined;
  t: number;
}

/** Seconds for `# wait`, to the microsecond, without trailing zeros. */
export function formatSeconds(ms: number): string {
  return String(Number((ms / 1000).toFixed(6)));
}

/**
 * The script that replays what the terminals got, from the world's start
 * (virtual time `origin`): waits keep every line at its time, and tabs map
 * to terminal numbers in order of use (going back to an earlier tab uses a
 * new terminal, since a script only moves forward).
 */
export function scriptOf(typed: readonly Typed[], origin = 0): string[] {
  const out: string[] = [];
  const shellOf = new Map<number, number>();
  let current = 1;
  let last = 0;
  let prev = origin;
  for (const x of typed) {
    if (x.line !== undefined && x.line.trim().startsWith('#')) continue; // a comment typed by hand
    let shell = shellOf.get(x.tab);
    if (shell !== current) {
      if (x.line === undefined) continue; // a Ctrl-C in a terminal the script has left
      // A new terminal (the first tab used is terminal 1); past the limit, stay in the current one.
      shell = last < MAX_SHELLS ? ++last : current;
      shellOf.set(x.tab, shell);
    }
    const gap = x.t - prev;
    if (gap >= 0.001) out.push(`# wait ${formatSeconds(gap)}`);
    prev = x.t;
    if (shell !== current) out.push(`# shell ${shell}`);
    current = shell;
    out.push(x.line ?? '# ^C');
  }
  return out;
}
