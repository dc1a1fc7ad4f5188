// What one etcdctl process sees of the world: its argument vector, stdin,
// stdout/stderr as byte streams, and an exit code. Strings written are UTF-8;
// raw bytes (values printed as stored) pass through untouched.

/** Exit codes etcdctl uses (etcdctl/ctlv3/command/error.go). */
export const ExitSuccess = 0;
export const ExitError = 1;
export const ExitBadConnection = 2;
export const ExitInvalidInput = 3;
export const ExitBadFeature = 4;
export const ExitInterrupted = 5;
export const ExitIO = 6;
export const ExitBadArgs = 128;

/** Thrown to end a command with an exit code; whatever it printed before stays. */
export class CommandExit {
  constructor(readonly code: number) {}
}

/** A byte sink (stdout or stderr). */
export interface OutputStream {
  write(data: string | Uint8Array): void;
}

/** Lines a command reads from stdin; null at end of input. */
export interface InputStream {
  /** The next line without its newline, or null at EOF. */
  readLine(): Promise<string | null>;
  /** Everything left, as the bytes' UTF-8 text (newlines kept). */
  readAll(): Promise<string>;
  /** A line typed without echo (speakeasy's password prompt), where the input is a real terminal. */
  readSecret?(): Promise<string | null>;
}

/** stdin given up front (the corpus, scripts, `cmd <<EOF`). */
export class TextInput implements InputStream {
  private pos = 0;
  constructor(private readonly text: string) {}

  readLine(): Promise<string | null> {
    if (this.pos >= this.text.length) return Promise.resolve(null);
    const nl = this.text.indexOf('\n', this.pos);
    const end = nl < 0 ? this.text.length : nl;
    const line = this.text.slice(this.pos, end);
    this.pos = nl < 0 ? this.text.length : nl + 1;
    return Promise.resolve(line);
  }

  readAll(): Promise<string> {
    const rest = this.text.slice(this.pos);
    this.pos = this.text.length;
    return Promise.resolve(rest);
  }
}

/** An empty stdin (a terminal with nothing typed ahead behaves as interactive; see session). */
export const EMPTY_INPUT: InputStream = new TextInput('');

const encoder = new TextEncoder();

/** Collects a stream's bytes. */
export class BufferOutput implements OutputStream {
  private chunks: Uint8Array[] = [];
  private size = 0;

  write(data: string | Uint8Array): void {
    const b = typeof data === 'string' ? encoder.encode(data) : data.slice();
    this.chunks.push(b);
    this.size += b.length;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}
