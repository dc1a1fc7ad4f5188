// A background command's stdin: the runner's pipe, written once at start and
// kept open, so a reader that wants more waits (as on a real pipe) until the
// runner closes it (@close-stdin or the command's end).
import type { InputStream } from '../core/io.ts';
import type { World } from '../core/world.ts';

export class PipeInput implements InputStream {
  private buf: string;
  private closed = false;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly world: World,
    text: string,
  ) {
    this.buf = text;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiters.splice(0)) w();
    this.world.wake();
  }

  /** Resolves once a whole line is buffered or the pipe is closed. */
  private async ready(pred: () => boolean): Promise<void> {
    while (!pred() && !this.closed) await new Promise<void>((r) => this.waiters.push(r));
  }

  async readLine(): Promise<string | null> {
    await this.ready(() => this.buf.includes('\n'));
    if (this.buf === '') return null;
    const nl = this.buf.indexOf('\n');
    const end = nl < 0 ? this.buf.length : nl;
    const line = this.buf.slice(0, end);
    this.buf = this.buf.slice(nl < 0 ? end : nl + 1);
    return line;
  }

  async readAll(): Promise<string> {
    await this.ready(() => false);
    const rest = this.buf;
    this.buf = '';
    return rest;
  }
}
