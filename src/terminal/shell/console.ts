// The terminal side of a shell, without the DOM: turns keystrokes (the byte
// sequences a terminal emulator sends) into line editing, history, completion
// and Ctrl-C, and draws the prompt and the edited line with ANSI sequences.
// The xterm adapter only forwards keys in and bytes out.
//
// At the prompt the line is fully editable and redrawn on every change (it
// may wrap over several rows). While a command runs, typing is cooked-mode
// echo: the line goes to the command's stdin if it is reading, otherwise it
// waits (type-ahead) and runs after the command, as a tty would do.
import type { CommandSpec } from '../core/command.ts';
import type { World } from '../core/world.ts';
import { commonPrefix, complete } from './complete.ts';
import { Shell, type ShellHost } from './shell.ts';

export interface ConsoleOptions {
  world: World;
  /** Bytes to the terminal ('\n' is translated by the terminal: xterm's convertEol). */
  write(data: string | Uint8Array): void;
  /** The terminal's width in columns. */
  cols(): number;
  host?: ShellHost;
  history?: string[];
  /** The etcdctl command tree (tests add commands to it). */
  root?: CommandSpec;
  /** Called after each command line with the history, to persist it. */
  onHistory?(history: readonly string[]): void;
}

const ESC_SEQ = /^\x1b(\[[0-9;]*[~A-Za-z]|O[A-Za-z]|[\s\S])?/;
const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').length;

export class Console {
  readonly shell: Shell;
  private buf = '';
  private cur = 0;
  /** Row of the cursor below the prompt's row, for redrawing a wrapped line. */
  private cursorRow = 0;
  private histIdx: number | undefined;
  private histDraft = '';
  private running = false;
  private readonly queue: string[] = [];
  private lastChar = '\n';
  private pasting = false;

  constructor(private readonly opts: ConsoleOptions) {
    this.shell = new Shell(opts.world, { out: { write: (d) => this.output(d) }, host: opts.host, history: opts.history, root: opts.root });
  }

  /** Whether a command runs (for tests and the page). */
  get busy(): boolean {
    return this.running;
  }

  /** The line being edited and the cursor in it. */
  get line(): { text: string; cursor: number } {
    return { text: this.buf, cursor: this.cur };
  }

  start(banner?: string): void {
    if (banner) this.output(banner);
    this.redraw();
  }

  /** Output of commands (and of the console itself). */
  output(d: string | Uint8Array): void {
    if (d.length === 0) return;
    this.lastChar = typeof d === 'string' ? d[d.length - 1]! : String.fromCharCode(d[d.length - 1]!);
    this.opts.write(d);
  }

  private prompt(): string {
    const p = this.shell.prompt;
    return p === '$ ' ? '\x1b[1;32m$\x1b[0m ' : p;
  }

  /** Redraws prompt and line, leaving the terminal cursor at the edit position. */
  private redraw(): void {
    const cols = Math.max(1, this.opts.cols());
    const p = this.prompt();
    let s = this.cursorRow > 0 ? `\x1b[${this.cursorRow}A` : '';
    s += '\r\x1b[J' + p + this.buf;
    const end = visible(p) + this.buf.length;
    // A line that fills the last row exactly leaves the cursor pending a wrap: force it.
    if (end > 0 && end % cols === 0) s += ' \r\x1b[K';
    const t = visible(p) + this.cur;
    const up = Math.floor(end / cols) - Math.floor(t / cols);
    if (up > 0) s += `\x1b[${up}A`;
    s += '\r';
    if (t % cols > 0) s += `\x1b[${t % cols}C`;
    this.cursorRow = Math.floor(t / cols);
    this.output(s);
  }

  /** Keystrokes or pasted text, as the terminal sends them. */
  key(data: string): void {
    this.pasting = data.length > 1 && /[\r\n]/.test(data);
    try {
      for (let i = 0; i < data.length; ) {
        const c = data[i]!;
        if (c === '\x1b') {
          const seq = ESC_SEQ.exec(data.slice(i))![0];
          this.escape(seq);
          i += seq.length;
          continue;
        }
        if (c === '\n' && data[i - 1] === '\r') {
          i++;
          continue;
        }
        this.control(c);
        i++;
      }
    } finally {
      this.pasting = false;
    }
  }

  private control(c: string): void {
    if (this.running) return this.cooked(c);
    switch (c) {
      case '\r':
      case '\n':
        return this.enter();
      case '\x7f':
      case '\b':
        return this.edit(this.buf.slice(0, Math.max(0, this.cur - 1)) + this.buf.slice(this.cur), Math.max(0, this.cur - 1));
      case '\x01':
        return this.move(0);
      case '\x05':
        return this.move(this.buf.length);
      case '\x02':
        return this.move(this.cur - 1);
      case '\x06':
        return this.move(this.cur + 1);
      case '\x15':
        return this.edit(this.buf.slice(this.cur), 0);
      case '\x0b':
        return this.edit(this.buf.slice(0, this.cur), this.cur);
      case '\x17': {
        const start = this.wordStart();
        return this.edit(this.buf.slice(0, start) + this.buf.slice(this.cur), start);
      }
      case '\x03':
        return this.ctrlC();
      case '\x04':
        if (this.buf !== '') this.edit(this.buf.slice(0, this.cur) + this.buf.slice(this.cur + 1), this.cur);
        return;
      case '\x0c':
        this.output('\x1b[H\x1b[2J');
        this.cursorRow = 0;
        return this.redraw();
      case '\t':
        return this.tab();
      default:
        if (c >= ' ') this.edit(this.buf.slice(0, this.cur) + c + this.buf.slice(this.cur), this.cur + 1);
    }
  }

  private escape(seq: string): void {
    if (this.running) return;
    const s = seq.slice(1);
    if (s === '[A' || s === 'OA') return this.historyMove(-1);
    if (s === '[B' || s === 'OB') return this.historyMove(1);
    if (s === '[D' || s === 'OD') return this.move(this.cur - 1);
    if (s === '[C' || s === 'OC') return this.move(this.cur + 1);
    if (['[H', 'OH', '[1~', '[7~'].includes(s)) return this.move(0);
    if (['[F', 'OF', '[4~', '[8~'].includes(s)) return this.move(this.buf.length);
    if (s === '[3~') return this.edit(this.buf.slice(0, this.cur) + this.buf.slice(this.cur + 1), this.cur);
    if (s === 'b' || s === '[1;5D' || s === '[1;3D') return this.move(this.wordStart());
    if (s === 'f' || s === '[1;5C' || s === '[1;3C') return this.move(this.wordEnd());
  }

  private wordStart(): number {
    let i = this.cur;
    while (i > 0 && this.buf[i - 1] === ' ') i--;
    while (i > 0 && this.buf[i - 1] !== ' ') i--;
    return i;
  }

  private wordEnd(): number {
    let i = this.cur;
    while (i < this.buf.length && this.buf[i] === ' ') i++;
    while (i < this.buf.length && this.buf[i] !== ' ') i++;
    return i;
  }

  private edit(text: string, cursor: number): void {
    this.buf = text;
    this.cur = Math.max(0, Math.min(cursor, text.length));
    this.redraw();
  }

  private move(to: number): void {
    this.edit(this.buf, to);
  }

  private historyMove(d: number): void {
    const h = this.shell.history;
    const idx = (this.histIdx ?? h.length) + d;
    if (idx < 0 || idx > h.length) return;
    if (this.histIdx === undefined) this.histDraft = this.buf;
    this.histIdx = idx === h.length ? undefined : idx;
    const text = idx === h.length ? this.histDraft : h[idx]!;
    this.edit(text, text.length);
  }

  private tab(): void {
    const { start, candidates } = complete(this.shell, this.buf.slice(0, this.cur));
    if (candidates.length === 0) return;
    const word = this.buf.slice(start, this.cur);
    const rest = this.buf.slice(this.cur);
    const replace = (w: string) => this.edit(this.buf.slice(0, start) + w + rest, start + w.length);
    if (candidates.length === 1) {
      const w = candidates[0]!;
      return replace(/[=/,]$/.test(w) || rest.startsWith(' ') ? w : w + ' ');
    }
    const p = commonPrefix(candidates);
    if (p.length > word.length) return replace(p);
    this.listCandidates(candidates);
  }

  private listCandidates(cands: string[]): void {
    const cols = Math.max(20, this.opts.cols());
    const w = Math.max(...cands.map((c) => c.length)) + 2;
    const per = Math.max(1, Math.floor(cols / w));
    let s = '\r\n';
    cands.forEach((c, i) => (s += c.padEnd(w) + ((i + 1) % per === 0 || i === cands.length - 1 ? '\r\n' : '')));
    this.moveToEnd();
    this.output(s);
    this.cursorRow = 0;
    this.redraw();
  }

  /** Leaves the terminal cursor after the edited line. */
  private moveToEnd(): void {
    this.cur = this.buf.length;
    this.redraw();
  }

  private enter(): void {
    const line = this.buf;
    this.moveToEnd();
    this.output('\r\n');
    this.buf = '';
    this.cur = 0;
    this.cursorRow = 0;
    this.histIdx = undefined;
    void this.runLine(line);
  }

  private async runLine(line: string): Promise<void> {
    this.running = true;
    try {
      await this.shell.run(line);
      this.opts.onHistory?.(this.shell.history);
    } finally {
      this.running = false;
    }
    if (this.lastChar !== '\n') this.output('\r\n');
    const next = this.queue.shift();
    if (next !== undefined) {
      // Type-ahead: show it after the prompt, then run it.
      this.buf = next;
      this.cur = next.length;
      this.redraw();
      this.enter();
      return;
    }
    this.cursorRow = 0;
    this.cur = this.buf.length;
    this.redraw();
  }

  /** Ctrl-C: interrupt the command, or abandon the line. */
  private ctrlC(): void {
    this.queue.length = 0;
    if (this.running) {
      this.output('^C');
      this.buf = '';
      this.shell.interrupt();
      return;
    }
    this.moveToEnd();
    this.output('^C\r\n');
    this.shell.interrupt();
    this.buf = '';
    this.cur = 0;
    this.cursorRow = 0;
    this.histIdx = undefined;
    this.redraw();
  }

  /** Keys while a command runs: a tty's canonical mode (echo, erase, kill line). */
  private cooked(c: string): void {
    const echo = (s: string) => {
      if (!this.pasting) this.output(s);
    };
    switch (c) {
      case '\r':
      case '\n': {
        const line = this.buf;
        this.buf = '';
        if (this.shell.readingStdin) {
          echo('\r\n');
          this.shell.sendStdin(line);
        } else {
          this.queue.push(line);
          echo('\r\n');
        }
        return;
      }
      case '\x03':
        return this.ctrlC();
      case '\x04':
        if (this.buf === '') this.shell.endStdin();
        return;
      case '\x7f':
      case '\b':
        if (this.buf !== '') {
          this.buf = this.buf.slice(0, -1);
          echo('\b \b');
        }
        return;
      case '\x15':
        echo('\b \b'.repeat(this.buf.length));
        this.buf = '';
        return;
      default:
        if (c >= ' ') {
          this.buf += c;
          echo(c);
        }
    }
  }
}
