// A loopback port the OS just handed out and took back: for temporary
// servers (migrate's scratch cluster, tests, benchmarks), where a fixed port
// would collide with whatever else shares the machine.
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
