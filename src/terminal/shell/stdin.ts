// A foreground process's stdin while it runs in the terminal: the lines the
// user types (or pastes) reach it one by one; Ctrl-D ends it. Reads resolve
// outside any engine callback, so they wake the world to let the reader run.
import type { InputStream } from '../core/io.ts';

export class LineInput implements InputStream {
  private readonly lines: string[] = [];
  private eof = false;
  private readers: ((l: string | null) => void)[] = [];

  constructor(private readonly wake: () => void) {}

  /** Whether the process is waiting for a line right now. */
  get waiting(): boolean {
    return this.readers.length > 0;
  }

  push(line: string): void {
    const r = this.readers.shift();
    if (r) {
      this.wake();
      r(line);
    } else this.lines.push(line);
  }

  close(): void {
    this.eof = true;
    this.wake();
    for (const r of this.readers.splice(0)) r(null);
  }

  readLine(): Promise<string | null> {
    if (this.lines.length > 0) return Promise.resolve(this.lines.shift()!);
    if (this.eof) return Promise.resolve(null);
    return new Promise((r) => this.readers.push(r));
  }

  async readAll(): Promise<string> {
    let out = '';
    for (let l = await this.readLine(); l !== null; l = await this.readLine()) out += l + '\n';
    return out;
  }
}
