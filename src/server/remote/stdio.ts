// The process's stdio as the emulator's streams: stdin read lazily (only a
// command that reads it waits for it), outputs written as they come.
import type { Readable, Writable } from 'node:stream';
import type { InputStream, OutputStream } from '../../terminal/core/io.ts';

export class NodeInput implements InputStream {
  private buffered = '';
  private ended = false;
  private waiting: (() => void) | undefined;
  private started = false;
  private readonly decoder = new TextDecoder();

  constructor(private readonly stream: Readable) {}

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.stream.on('data', (chunk: Buffer) => {
      this.buffered += this.decoder.decode(chunk, { stream: true });
      this.wake();
    });
    this.stream.on('end', () => {
      this.buffered += this.decoder.decode();
      this.ended = true;
      this.wake();
    });
    this.stream.on('error', () => {
      this.ended = true;
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.();
  }

  private more(): Promise<void> {
    this.start();
    return new Promise((r) => (this.waiting = r));
  }

  async readLine(): Promise<string | null> {
    for (;;) {
      const nl = this.buffered.indexOf('\n');
      if (nl >= 0) {
        const line = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + 1);
        return line;
      }
      if (this.ended) {
        if (this.buffered === '') return null;
        const rest = this.buffered;
        this.buffered = '';
        return rest;
      }
      await this.more();
    }
  }

  async readAll(): Promise<string> {
    while (!this.ended) await this.more();
    const rest = this.buffered;
    this.buffered = '';
    return rest;
  }

  /** A line typed on the terminal without echo (etcdctl's password prompt); a plain line from a pipe. */
  async readSecret(): Promise<string | null> {
    const tty = this.stream as Readable & { isTTY?: boolean; setRawMode?(raw: boolean): void };
    if (!tty.isTTY || !tty.setRawMode) return this.readLine();
    tty.setRawMode(true);
    try {
      let secret = '';
      for (;;) {
        while (this.buffered !== '') {
          const ch = this.buffered[0]!;
          this.buffered = this.buffered.slice(1);
          if (ch === '\r' || ch === '\n') return secret;
          // Raw mode turns ^C into a byte: deliver it as the signal it would have been.
          if (ch === '\x03') process.kill(process.pid, 'SIGINT');
          else if (ch === '\x04' && secret === '') return null;
          else if (ch === '\x7f' || ch === '\b') secret = secret.slice(0, -1);
          else secret += ch;
        }
        if (this.ended) return secret === '' ? null : secret;
        await this.more();
      }
    } finally {
      tty.setRawMode(false);
    }
  }

  /** Stops reading (so the process can exit while stdin stays open). */
  close(): void {
    this.stream.pause();
    this.stream.removeAllListeners('data');
    if ('unref' in this.stream && typeof this.stream.unref === 'function') (this.stream as { unref(): void }).unref();
  }
}

export class NodeOutput implements OutputStream {
  constructor(private readonly stream: Writable) {}

  write(data: string | Uint8Array): void {
    this.stream.write(typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }

  /** Resolves once everything written has been handed to the OS. */
  flush(): Promise<void> {
    return new Promise((r) => this.stream.write('', () => r()));
  }
}
