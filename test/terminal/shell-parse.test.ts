import { describe, expect, it } from 'vitest';
import { expandHereDoc, lex, quoteWord } from '../../src/terminal/shell/lexer.ts';
import { harness } from './shell-helpers.ts';

const vars = new Map([
  ['A', 'alpha'],
  ['SP', 'one two'],
  ['EMPTY', ''],
]);
const look = (n: string) => vars.get(n);
const words = (s: string) => {
  const r = lex(s, look);
  if (r.kind !== 'ok') throw new Error(`not ok: ${JSON.stringify(r)}`);
  return r.words;
};

describe('lexer', () => {
  it('splits on blanks and honours quotes and backslashes', () => {
    expect(words('etcdctl  put  foo bar')).toEqual(['etcdctl', 'put', 'foo', 'bar']);
    expect(words(`put 'a b' "c d" e\\ f`)).toEqual(['put', 'a b', 'c d', 'e f']);
    expect(words(`echo 'it''s' "say \\"hi\\"" 'back\\slash'`)).toEqual(['echo', 'its', 'say "hi"', 'back\\slash']);
    expect(words(`echo "" ''`)).toEqual(['echo', '', '']);
    expect(words('echo a#b # a comment')).toEqual(['echo', 'a#b']);
  });

  it('expands variables: split when bare, kept whole in double quotes, never in single quotes', () => {
    expect(words('echo $A ${A}x "$A" \'$A\'')).toEqual(['echo', 'alpha', 'alphax', 'alpha', '$A']);
    expect(words('echo $SP "$SP"')).toEqual(['echo', 'one', 'two', 'one two']);
    expect(words('echo $EMPTY $NOPE x')).toEqual(['echo', 'x']);
    expect(words('echo "$EMPTY"')).toEqual(['echo', '']);
    expect(words('echo $ a$')).toEqual(['echo', '$', 'a$']);
    expect(words('echo \\$A "\\$A"')).toEqual(['echo', '$A', '$A']);
  });

  it('separates leading NAME=value assignments', () => {
    const r = lex('ETCDCTL_API=3 X="a b" etcdctl get k Y=1', look);
    expect(r).toEqual({ kind: 'ok', assignments: [['ETCDCTL_API', '3'], ['X', 'a b']], words: ['etcdctl', 'get', 'k', 'Y=1'], heredoc: undefined });
    expect(lex('"X"=1', look)).toMatchObject({ assignments: [], words: ['X=1'] });
    // An assignment's value is not split on blanks.
    expect(lex('X=$SP env', look)).toMatchObject({ assignments: [['X', 'one two']], words: ['env'] });
  });

  it('reports incomplete input (open quotes, trailing backslash) and joins continued lines', () => {
    expect(lex("echo 'abc", look).kind).toBe('incomplete');
    expect(lex('echo "abc', look).kind).toBe('incomplete');
    expect(lex('echo abc \\', look).kind).toBe('incomplete');
    expect(words("echo 'a\nb'")).toEqual(['echo', 'a\nb']);
    expect(words('echo abc \\\ndef')).toEqual(['echo', 'abc', 'def']);
  });

  it('recognises here-documents and refuses what the shell does not do', () => {
    expect(lex('etcdctl txn <<EOF', look)).toMatchObject({ kind: 'ok', words: ['etcdctl', 'txn'], heredoc: { marker: 'EOF', quoted: false, stripTabs: false } });
    expect(lex("cat <<-'END' x", look)).toMatchObject({ words: ['cat', 'x'], heredoc: { marker: 'END', quoted: true, stripTabs: true } });
    expect(lex('echo a | wc', look)).toMatchObject({ kind: 'error', message: expect.stringContaining('`|\'') });
    expect(lex('echo a > f', look).kind).toBe('error');
    expect(lex('echo $(date)', look).kind).toBe('error');
    expect(lex('echo ${A', look).kind).toBe('error');
    expect(lex('cat <<', look).kind).toBe('error');
  });

  it('expands here-document bodies unless the marker is quoted', () => {
    expect(expandHereDoc('v=$A \\$A "$SP"\n', look)).toBe('v=alpha $A "one two"\n');
  });

  it('quotes words for the command line', () => {
    expect(quoteWord('foo/bar')).toBe('foo/bar');
    expect(quoteWord('a b')).toBe("'a b'");
    expect(quoteWord("it's")).toBe("'it'\\''s'");
  });
});

describe('shell', () => {
  it('runs builtins and keeps variables and the environment apart', async () => {
    const h = await harness();
    expect(await h.run('X=1')).toMatchObject({ out: '', status: 0 });
    expect((await h.run('echo $X "$X"')).out).toBe('1 1\n');
    expect((await h.run('env')).out).toBe('');
    await h.run('export X Y=two');
    expect((await h.run('env')).out).toBe('X=1\nY=two\n');
    expect(h.shell.session.env.get('Y')).toBe('two');
    await h.run('unset X');
    expect((await h.run('echo [$X]')).out).toBe('[]\n');
    expect((await h.run('export 1bad=x')).status).toBe(1);
    expect((await h.run('echo -n hi')).out).toBe('hi');
  });

  it('says command not found with status 127, and $? holds the last status', async () => {
    const h = await harness();
    expect(await h.run('frobnicate --now')).toMatchObject({ out: 'frobnicate: command not found\n', status: 127 });
    expect((await h.run('echo $?')).out).toBe('127\n');
    expect(await h.run('echo a | b')).toMatchObject({ status: 2, out: expect.stringMatching(/^sh: syntax error/) });
  });

  it('continues open quotes with a "> " prompt', async () => {
    const h = await harness();
    expect(h.shell.prompt).toBe('$ ');
    await h.run("echo 'first");
    expect(h.shell.prompt).toBe('> ');
    expect((await h.run("second'")).out).toBe('first\nsecond\n');
    expect(h.shell.prompt).toBe('$ ');
  });

  it('feeds here-documents to the command as stdin, with expansion', async () => {
    const h = await harness();
    await h.run('export NAME=world');
    await h.run('etcdctl version <<EOF');
    expect(h.shell.prompt).toBe('> ');
    await h.run('hello $NAME');
    const r = await h.run('EOF');
    expect(r.out).toContain('etcdctl version: 3.4.23');
    expect(h.shell.prompt).toBe('$ ');
  });

  it('Ctrl-C drops a half-typed command', async () => {
    const h = await harness();
    await h.run('echo "abc');
    expect(h.shell.interrupt()).toBe(true);
    expect(h.shell.prompt).toBe('$ ');
    expect(h.shell.interrupt()).toBe(false);
  });

  it('keeps a history and prints it', async () => {
    const h = await harness();
    await h.run('echo 1');
    await h.run('echo 1');
    await h.run('');
    await h.run('echo 2');
    expect((await h.run('history')).out).toBe('    1  echo 1\n    2  echo 2\n    3  history\n');
    expect((await h.run('history 1')).out).toBe('    4  history 1\n');
  });

  it('runs etcdctl with K=V prefixes in its environment only', async () => {
    const h = await harness();
    const r = await h.run('ETCDCTL_WRITE_OUT=json etcdctl version');
    expect(r.status).toBe(0);
    expect(h.shell.session.env.has('ETCDCTL_WRITE_OUT')).toBe(false);
    expect((await h.run('help')).out).toContain('etcdctl --help');
  });
});
