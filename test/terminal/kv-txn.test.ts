// etcdctl txn from stdin: sections, prompts, the parser's error messages and
// panics, and the cobra quirks of its request lines.
import { beforeEach, describe, expect, it } from 'vitest';
import { BufferOutput, TextInput } from '../../src/terminal/core/io.ts';
import { EP0, Shell } from './cli-helpers.ts';

let sh: Shell;

beforeEach(async () => {
  sh = await new Shell(3).ready();
  await sh.run(['put', 'k1', 'v1']);
});

const txn = (stdin: string, ...flags: string[]): ReturnType<Shell['run']> => sh.run(['txn', ...flags], stdin);

describe('txn', () => {
  it('runs the success or the failure branch', async () => {
    expect((await txn('value("k1") = "v1"\n\nput k1 v2\nget k1\n\nput k1 no\n\n')).out).toBe('SUCCESS\n\nOK\n\nk1\nv2\n');
    expect((await txn('version("k1") > "5"\n\nput x 1\n\ndel k1\n\n')).out).toBe('FAILURE\n\n1\n');
  });

  it('prompts with -i', async () => {
    expect((await txn('\n\n\n', '-i')).out).toBe('compares:\nsuccess requests (get, put, del):\nfailure requests (get, put, del):\nSUCCESS\n');
  });

  it('fails with EOF when a section is not ended, before sending anything', async () => {
    expect(await txn('\nput k1 never\n')).toEqual({ out: '', err: 'Error: EOF\n', code: 3 });
    expect((await sh.run(['get', 'k1'])).out).toBe('k1\nv1\n');
  });

  it('reports malformed comparisons with what Sscanf got', async () => {
    const err = async (line: string): Promise<string> => (await txn(`${line}\n\n`)).err;
    expect(await err('bogus compare')).toBe('Error: malformed comparison: bogus compare\n');
    expect(await err('value(k1) = "v1"')).toBe('Error: malformed comparison: value(k1) = "v1"; got value("")  ""\n');
    expect(await err('value("k1") = v1')).toBe('Error: malformed comparison: value("k1") = v1; got value("k1") = ""\n');
    expect(await err('version("k1") = "abc"')).toBe('Error: invalid txn compare request: version("k1") = "abc"\n');
    expect(await err('nope("k1") = "v"')).toBe('Error: malformed comparison: nope("k1") = "v" (unknown target nope)\n');
  });

  it('panics like clientv3.Compare on an unknown operator or a lease compare', async () => {
    const r = await txn('value("k1") == "v1"\n\n');
    expect(r.code).toBe(2);
    expect(r.err.startsWith('panic: Unknown result op\n')).toBe(true);
    expect((await txn('lease("k1") = "0"\n\n')).err.startsWith('panic: bad value\n')).toBe(true);
  });

  it('parses request lines as cobra commands', async () => {
    expect((await txn('\ng k1\n\n\n')).out).toBe('SUCCESS\n\nk1\nv1\n');
    expect(await txn('\nbadop k1\n\n\n')).toEqual({ out: '', err: 'Error: invalid txn request: badop k1\n', code: 3 });
    expect(await txn('\nget\n\n\n')).toEqual({ out: '', err: 'Error: invalid txn compare request: get\n', code: 3 });
    const bad = await txn('\nget k1 --bogus\n\n\n');
    expect(bad.code).toBe(3);
    expect(bad.err).toMatch(/^Usage:\n {3}get \[options\] <key> \[range_end\] \[flags\]\n\nFlags:\n/);
    expect(bad.err.endsWith('\n\nError: invalid txn request: get k1 --bogus\n')).toBe(true);
    // argify slices single-quoted words with the number of words: 'ab' of 4 words stays "ab".
    await txn("\nput 'ab' v x\n\n\n");
    expect((await sh.run(['get', 'ab'])).out).toBe('ab\nv\n');
  });

  it('waits forever after printing help for a request line', async () => {
    const o = new BufferOutput();
    const p = sh.session.etcdctl([`--endpoints=${EP0}`, 'txn'], { stdout: o, stderr: new BufferOutput(), stdin: new TextInput('\nget --help\n\n\n') });
    await sh.world.runUntil(() => !p.running, sh.world.now() + 10_000);
    expect(p.running).toBe(true);
    expect(new TextDecoder().decode(o.bytes()).startsWith('Gets the key or a range of keys\n\nUsage:\n')).toBe(true);
    p.signal('SIGINT');
  });

  it('refuses arguments and checks the format before reading stdin', async () => {
    expect(await sh.run(['txn', 'x'], '\n\n\n')).toEqual({ out: '', err: 'Error: txn command does not accept argument\n', code: 128 });
    expect(await txn('', '-w', 'yaml')).toEqual({ out: '', err: 'Error: unsupported output format\n', code: 4 });
  });

  it('prints json with the oneof names', async () => {
    const r = await txn('\nput k1 v2\n\n\n', '-w', 'json');
    expect(r.out).toMatch(/"succeeded":true,"responses":\[\{"Response":\{"ResponsePut":\{"header":\{"revision":3\}\}\}\}\]\}\n$/);
  });
});
