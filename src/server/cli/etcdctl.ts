// `etcd-playground etcdctl [etcdctl args]` (npm run etcdctl -- ...): the
// playground's etcdctl emulator as a command, against any etcd (the server
// mode or a real one) over gRPC in real time. Output, exit codes and the
// ETCDCTL_* environment are etcdctl 3.4's; SIGINT and SIGTERM reach the
// command as they reach etcdctl (lock and elect release what they hold,
// anything else dies of the signal).
import { etcdctlRoot } from '../../terminal/commands/root.ts';
import { dispatch } from '../../terminal/core/dispatch.ts';
import type { CommandContext, Signal } from '../../terminal/core/context.ts';
import { Process, ProcessOutput } from '../../terminal/core/process.ts';
import { RemoteMachine } from '../remote/machine.ts';
import { channelCredentials, clientTLSOf } from '../remote/tls.ts';
import { NodeInput, NodeOutput } from '../remote/stdio.ts';

/** Runs one etcdctl command line; resolves with how the process ended. */
async function runEtcdctl(argv: readonly string[]): Promise<{ code: number } | { signal: Signal }> {
  const env = new Map<string, string>();
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env.set(k, v);
  let tls;
  try {
    tls = clientTLSOf(argv, env);
    channelCredentials(tls, false); // reads the files now, so a bad one is etcdctl's error before anything runs
  } catch (e) {
    // Go's words for a file it cannot open; etcdctl exits with its bad-arguments code.
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file or directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
    process.stderr.write(err.path !== undefined ? `Error: open ${err.path}: ${why}\n` : `Error: ${err.message}\n`);
    return { code: 128 };
  }
  const machine = new RemoteMachine(tls);
  const stdin = new NodeInput(process.stdin);
  const stdout = new NodeOutput(process.stdout);
  const stderr = new NodeOutput(process.stderr);
  const outputs = [new ProcessOutput(stdout), new ProcessOutput(stderr)];
  const proc = new Process(outputs, () => {});
  const onSignal = (sig: Signal): void => proc.signal(sig);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  proc.start(() =>
    dispatch({
      world: machine,
      root: etcdctlRoot(),
      argv,
      env,
      cwd: process.cwd(),
      stdin,
      stdout: outputs[0]!,
      stderr: outputs[1]!,
      attach: (ctx: CommandContext) => proc.attach(ctx),
    }),
  );
  const end = await proc.wait();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  stdin.close();
  machine.net.close();
  await Promise.all([stdout.flush(), stderr.flush()]);
  return end;
}

// A reader that went away (`| head`): Go's etcdctl dies of SIGPIPE, which a shell reports as 141.
for (const s of [process.stdout, process.stderr]) s.on('error', () => process.exit(128 + 13));

const end = await runEtcdctl(process.argv.slice(2));
if ('signal' in end) {
  // Die of the signal, as etcdctl does when it has no handler for it.
  process.kill(process.pid, end.signal);
} else {
  process.exit(end.code);
}
