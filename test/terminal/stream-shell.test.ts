// The small shell behind `sh -c` in exec commands, and exec's program lookup.
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../src/terminal/core/context.ts';
import { type ProgramIO, execCommand, execErrorText, interpretEscapes, runProgram } from '../../src/terminal/commands/stream/exec.ts';
import { runShell } from '../../src/terminal/commands/stream/shell.ts';

async function sh(script: string, env: Record<string, string> = {}, extra: string[] = []): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  const io: ProgramIO = {
    ctx: {} as CommandContext,
    env: new Map(Object.entries(env)),
    out: (s) => (out += typeof s === 'string' ? s : new TextDecoder().decode(s)),
    err: (s) => (err += typeof s === 'string' ? s : new TextDecoder().decode(s)),
  };
  const code = await runShell(io, ['-c', script, ...extra], runProgram);
  return { out, err, code };
}

describe('sh -c', () => {
  it('expands variables inside and outside double quotes, not in single quotes', async () => {
    expect((await sh('echo "$A" $B \'$A\' ${A}x', { A: 'a b', B: ' x  y ' })).out).toBe('a b x y $A a bx\n');
  });

  it('runs lists with ; && || and keeps $?', async () => {
    expect(await sh('false && echo no || echo yes; echo $?')).toMatchObject({ out: 'yes\n0\n', code: 0 });
    expect(await sh('echo a; exit 3; echo b')).toMatchObject({ out: 'a\n', code: 3 });
    expect((await sh('false')).code).toBe(1);
  });

  it('interprets echo escapes like dash', async () => {
    expect((await sh('echo "a\\nb"; echo -n c; echo "d\\ce"')).out).toBe('a\nb\ncd');
  });

  it('reports unknown commands and syntax errors', async () => {
    expect(await sh('nope 1')).toMatchObject({ err: 'sh: 1: nope: not found\n', code: 127 });
    expect(await sh('echo "open')).toMatchObject({ err: 'sh: 1: Syntax error: Unterminated quoted string\n', code: 2 });
    expect(await sh('echo ${A')).toMatchObject({ err: "sh: 1: Syntax error: Missing '}'\n", code: 2 });
    expect(await sh('echo a | wc')).toMatchObject({ err: 'sh: 1: Syntax error: "|" unexpected\n', code: 2 });
  });

  it('keeps empty quoted words and a trailing backslash, as dash does', async () => {
    expect((await sh('echo "" x; echo a\\')).out).toBe(' x\na\\\n');
  });

  it('handles redirections to /dev/null and between fds', async () => {
    expect(await sh('echo a >/dev/null; echo b 1>&2; nope 2>/dev/null')).toMatchObject({ out: '', err: 'b\n', code: 127 });
  });

  it('takes positional parameters after the script', async () => {
    expect((await sh('echo $0 $1 $#', {}, ['name', 'one'])).out).toBe('name one 1\n');
  });

  it('assignments set shell variables or a command environment', async () => {
    expect((await sh('X=1; echo $X; Y=2 printenv Y')).out).toBe('1\n2\n');
  });
});

describe('exec', () => {
  it("words Go's errors", async () => {
    const ctx = { out: () => {}, err: () => {} } as unknown as CommandContext;
    expect(execErrorText(await execCommand(ctx, ['missing-cmd'], new Map()))).toBe('exec: "missing-cmd": executable file not found in $PATH');
    expect(execErrorText(await execCommand(ctx, ['./x'], new Map()))).toBe('fork/exec ./x: no such file or directory');
    expect(execErrorText(await execCommand(ctx, ['/bin/false'], new Map()))).toBe('exit status 1');
    expect(execErrorText(await execCommand(ctx, ['true'], new Map()))).toBeUndefined();
  });

  it('echo escapes only with -e', () => {
    expect(interpretEscapes('a\\tb\\0101')).toEqual({ text: 'a\tbA', stop: false });
  });
});
