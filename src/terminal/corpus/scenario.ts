// Scenario files (run-scenario.py's parse_scenario): etcdctl command lines,
// comments, heredoc stdin and @directives. Modifiers (@sort, @uniq, @raw,
// @timeout, @no-newline-stdin) attach to the next command, even across other
// directives, as they do in the runner.

export type Modifier = 'sort' | 'uniq' | 'raw' | 'timeout' | 'no-newline-stdin';
export type Opts = Partial<Record<Modifier, string | true>>;

interface StepBase {
  /** The scenario line (stripped, heredoc marker removed). */
  line: string;
  lineno: number;
}

export interface CommentStep extends StepBase {
  kind: 'comment';
}

export interface CommandStep extends StepBase {
  kind: 'cmd' | 'bg';
  cmd: string;
  /** stdin text, each heredoc line followed by \n; undefined without a heredoc. */
  stdin: string | undefined;
  stdinLines: string[] | undefined;
  opts: Opts;
  /** @bg only. */
  name?: string;
  timeout?: number;
}

export interface DirectiveStep extends StepBase {
  kind: 'directive';
  name: string;
  arg: string;
}

export type Step = CommentStep | CommandStep | DirectiveStep;

export interface Scenario {
  cluster: number;
  slow: boolean;
  steps: Step[];
}

export class ScenarioError extends Error {}

const MODIFIERS: readonly string[] = ['sort', 'uniq', 'raw', 'timeout', 'no-newline-stdin'];

/** Python's s.split(None, n): at most n splits on whitespace runs, leading whitespace ignored. */
export function pySplitWs(s: string, n: number): string[] {
  const out: string[] = [];
  let rest = s.replace(/^\s+/, '');
  while (rest && out.length < n) {
    const m = /\s+/.exec(rest);
    if (!m) break;
    out.push(rest.slice(0, m.index));
    rest = rest.slice(m.index + m[0].length);
  }
  if (rest) out.push(rest);
  return out;
}

export function parseScenario(text: string, path = 'scenario'): Scenario {
  const sc: Scenario = { cluster: 3, slow: false, steps: [] };
  const raw = text.split('\n');
  let pending: Opts = {};
  let i = 0;
  while (i < raw.length) {
    const lineno = i + 1;
    let s = raw[i++]!.trim();
    if (!s) continue;
    if (s.startsWith('#')) {
      sc.steps.push({ kind: 'comment', line: s, lineno });
      continue;
    }
    let stdin: string | undefined;
    let body: string[] | undefined;
    const m = /\s<<([A-Z_]+)$/.exec(s);
    if (m) {
      const marker = m[1]!;
      s = s.slice(0, m.index).trimEnd();
      body = [];
      while (i < raw.length && raw[i] !== marker) body.push(raw[i++]!);
      if (i >= raw.length) throw new ScenarioError(`${path}:${lineno}: unterminated heredoc ${marker}`);
      i++;
      stdin = body.join('\n') + (body.length > 0 ? '\n' : '');
    }
    if (s.startsWith('@')) {
      const parts = pySplitWs(s, 1);
      const d = parts[0]!.slice(1);
      const arg = parts[1] ?? '';
      if (d === 'cluster') sc.cluster = parseInt(arg, 10);
      else if (d === 'slow') sc.slow = true;
      else if (MODIFIERS.includes(d)) pending[d as Modifier] = arg || true;
      else if (d === 'bg') {
        const [name, tmo, cmd] = pySplitWs(arg, 2);
        if (name === undefined || tmo === undefined || cmd === undefined) throw new ScenarioError(`${path}:${lineno}: @bg NAME SECS COMMAND`);
        sc.steps.push({ kind: 'bg', line: s, lineno, name, timeout: Number(tmo), cmd, stdin, stdinLines: body, opts: pending });
        pending = {};
      } else {
        sc.steps.push({ kind: 'directive', line: s, lineno, name: d, arg });
      }
      continue;
    }
    sc.steps.push({ kind: 'cmd', line: s, lineno, cmd: s, stdin, stdinLines: body, opts: pending });
    pending = {};
  }
  return sc;
}
