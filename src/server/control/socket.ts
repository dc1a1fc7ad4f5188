// --control-socket PATH: a unix socket that takes one command per line
// (commands.ts) and answers each with one line, "ok[ TEXT]" or
// "error TEXT", in order. Scripts that stand in for a process manager
// (kill -9 a member, start it again) talk to it, since every member lives
// in this one process.
import { existsSync, lstatSync, unlinkSync } from 'node:fs';
import { type Server, type Socket, connect, createServer } from 'node:net';
import { ClusterControl, ControlError } from './commands.ts';
import type { Served } from '../serve.ts';

/** A line longer than this is not a command. */
const MAX_LINE = 4096;

export interface ControlSocket {
  close(): void;
}

function serveConnection(sock: Socket, control: ClusterControl): void {
  let buf = '';
  // Commands of one connection run one after another, replies in order.
  let queue: Promise<void> = Promise.resolve();
  const answer = async (line: string): Promise<void> => {
    let reply: string;
    try {
      const text = await control.run(line);
      reply = text === '' ? 'ok' : `ok ${text}`;
    } catch (e) {
      const msg = e instanceof ControlError ? e.message : `internal error: ${e instanceof Error ? e.message : String(e)}`;
      reply = `error ${msg.replace(/\n/g, ' ')}`;
    }
    if (!sock.destroyed) sock.write(reply + '\n');
  };
  sock.setEncoding('utf8');
  sock.on('data', (chunk: string) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.trim() === '') continue;
      queue = queue.then(() => answer(line));
    }
    if (buf.length > MAX_LINE) {
      sock.end('error command line too long\n');
      buf = '';
    }
  });
  sock.on('error', () => sock.destroy());
}

/** Whether a process answers on the unix socket at path. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/**
 * Listens on path. A socket file left behind by a process that is gone is
 * replaced; anything else at path (a live socket too) is an error, as a
 * taken port is.
 */
export async function listenControl(path: string, served: Served): Promise<ControlSocket> {
  if (existsSync(path)) {
    if (!lstatSync(path).isSocket() || (await answers(path))) throw new Error(`listen unix ${path}: bind: address already in use`);
    unlinkSync(path);
  }
  const control = new ClusterControl(served);
  const srv: Server = createServer((sock) => serveConnection(sock, control));
  return new Promise((resolve, reject) => {
    srv.once('error', (e) => reject(new Error(`listen unix ${path}: ${e.message}`)));
    srv.listen(path, () =>
      resolve({
        close: () => {
          srv.close();
          if (existsSync(path)) unlinkSync(path);
        },
      }),
    );
  });
}
