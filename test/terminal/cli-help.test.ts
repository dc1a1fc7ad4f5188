// etcdctl's command line: help texts (template, flag lines, tabwriter),
// cobra's errors and suggestions, the help and completion commands, version,
// and the ETCDCTL_* environment.
import { beforeAll, describe, expect, it } from 'vitest';
import type { CommandSpec } from '../../src/terminal/core/command.ts';
import { findCommand } from '../../src/terminal/core/dispatch.ts';
import { GLOBAL_FLAGS, capnslogLine } from '../../src/terminal/core/globals.ts';
import { flagUsages, renderHelp, suggestionsFor } from '../../src/terminal/core/help.ts';
import { tabwrite } from '../../src/terminal/core/tabwriter.ts';
import { Shell, testRoot } from './cli-helpers.ts';

const GLOBALS = `GLOBAL OPTIONS:
      --cacert=""\t\t\t\tverify certificates of TLS-enabled secure servers using this CA bundle
      --cert=""\t\t\t\t\tidentify secure client using this TLS certificate file
      --command-timeout=5s\t\t\ttimeout for short running command (excluding dial timeout)
      --debug[=false]\t\t\t\tenable client-side debug logging
      --dial-timeout=2s\t\t\t\tdial timeout for client connections
  -d, --discovery-srv=""\t\t\tdomain name to query for SRV records describing cluster endpoints
      --discovery-srv-name=""\t\t\tservice name to query when using DNS discovery
      --endpoints=[127.0.0.1:2379]\t\tgRPC endpoints
      --hex[=false]\t\t\t\tprint byte strings as hex encoded strings
      --insecure-discovery[=true]\t\taccept insecure SRV records describing cluster endpoints
      --insecure-skip-tls-verify[=false]\tskip server certificate verification (CAUTION: this option should be enabled only for testing purposes)
      --insecure-transport[=true]\t\tdisable transport security for client connections
      --keepalive-time=2s\t\t\tkeepalive time for client connections
      --keepalive-timeout=6s\t\t\tkeepalive timeout for client connections
      --key=""\t\t\t\t\tidentify secure client using this TLS key file
      --password=""\t\t\t\tpassword for authentication (if this option is used, --user option shouldn't include password)
      --user=""\t\t\t\t\tusername[:password] for authentication (prompt if password is not supplied)
  -w, --write-out="simple"\t\t\tset the output format (fields, json, protobuf, simple, table)
`;

const AUTH_HELP = `NAME:
\tauth - Enable or disable authentication

USAGE:
\tetcdctl auth <enable or disable> [flags]

API VERSION:
\t3.4


COMMANDS:
\tdisable\tDisables authentication
\tenable\tEnables authentication

OPTIONS:
  -h, --help[=false]\thelp for auth

${GLOBALS}
`;

const ROLE_GRANT_HELP = `NAME:
\trole grant-permission - Grants a key to a role

USAGE:
\tetcdctl role grant-permission [options] <role name> <permission type> <key> [endkey] [flags]

OPTIONS:
      --from-key[=false]\tgrant a permission of keys that are greater than or equal to the given key using byte compare
  -h, --help[=false]\t\thelp for grant-permission
      --prefix[=false]\t\tgrant a prefix permission

${GLOBALS}
`;

describe('tabwriter', () => {
  it('pads each column block with tabs to the widest cell plus one, in multiples of 8', () => {
    expect(tabwrite('a\tx\nabcdefgh\ty\n')).toBe('a\t\tx\nabcdefgh\ty\n');
    expect(tabwrite('\tn\ts\n\tlonger-name\ts\n')).toBe('\tn\t\ts\n\tlonger-name\ts\n');
  });

  it('breaks blocks at lines without the column', () => {
    expect(tabwrite('a\tx\n\nabcdefghij\ty\n')).toBe('a\tx\n\nabcdefghij\ty\n');
  });

  it('keeps a trailing partial line', () => {
    expect(tabwrite('a\tb')).toBe('a\tb');
  });
});

describe('help text', () => {
  const root = testRoot();
  const resolve = (...words: string[]) => findCommand(root, words).resolved;

  it('writes flag lines the way etcdctl does', () => {
    expect(flagUsages(GLOBAL_FLAGS.slice(0, 4))).toBe(
      '      --cacert=""\tverify certificates of TLS-enabled secure servers using this CA bundle\n' +
        '      --cert=""\tidentify secure client using this TLS certificate file\n' +
        '      --command-timeout=5s\ttimeout for short running command (excluding dial timeout)\n' +
        '      --debug[=false]\tenable client-side debug logging\n',
    );
  });

  it('renders a group and a leaf command', () => {
    expect(renderHelp(resolve('auth'))).toBe(AUTH_HELP);
    expect(renderHelp(resolve('role', 'grant-permission'))).toBe(ROLE_GRANT_HELP);
  });

  it('lists every runnable command under the root, sorted, with the root flags as OPTIONS', () => {
    const text = renderHelp(resolve());
    expect(text.startsWith('NAME:\n\tetcdctl - A simple command line client for etcd3.\n\nUSAGE:\n\tetcdctl [flags]\n\nVERSION:\n\t3.4.23\n\nAPI VERSION:\n\t3.4\n\n\nCOMMANDS:\n')).toBe(true);
    expect(text).toContain('\trole revoke-permission\tRevokes a key from a role\n');
    expect(text).toContain('\tuser add\t\tAdds a new user\n');
    expect(text).toContain('\thelp\t\t\tHelp about any command\n');
    expect(text).toContain('  -h, --help[=false]\t\t\t\thelp for etcdctl\n');
    expect(text).not.toContain('GLOBAL OPTIONS');
    expect(text.endsWith('set the output format (fields, json, protobuf, simple, table)\n\n')).toBe(true);
  });

  it('suggests commands by distance and prefix, in the order they were added, never help', () => {
    expect(suggestionsFor(root, 'x')).toEqual(root.subcommands!.some((c) => c.name === 'txn') ? ['txn'] : []);
    expect(suggestionsFor(root, 'rol')).toContain('role');
    expect(suggestionsFor(root, 'usr')).toEqual(['user']);
    expect(suggestionsFor(root, 'hel')).not.toContain('help');
  });
});

describe('etcdctl command line', () => {
  let sh: Shell;
  beforeAll(async () => {
    sh = await new Shell().ready();
  });

  it('prints the version whatever follows', async () => {
    expect(await sh.run(['version', 'extra', '-w', 'json'])).toEqual({ out: 'etcdctl version: 3.4.23\nAPI version: 3.4\n', err: '', code: 0 });
  });

  it('refuses unknown commands twice, with suggestions', async () => {
    expect(await sh.run(['foo'])).toEqual({
      out: '',
      err: 'Error: unknown command "foo" for "etcdctl"\nRun \'etcdctl --help\' for usage.\nError: unknown command "foo" for "etcdctl"\n',
      code: 1,
    });
    const r = await sh.run(['usr']);
    expect(r.err).toBe(
      'Error: unknown command "usr" for "etcdctl"\n\nDid you mean this?\n\tuser\n\nRun \'etcdctl --help\' for usage.\nError: unknown command "usr" for "etcdctl"\n\nDid you mean this?\n\tuser\n\n',
    );
  });

  it('takes the word after an unknown flag as its value when finding the command', async () => {
    const r = await sh.run(['--nosuchglobal', 'user', 'role']);
    expect(r.out.startsWith('NAME:\n\trole - Role related commands\n')).toBe(true);
    expect(r.err).toBe('Error: unknown flag: --nosuchglobal\n\nError: unknown flag: --nosuchglobal\n');
    const u = await sh.run(['--nosuchglobal', 'user', 'usr']);
    expect(u.err.split('\n')[0]).toBe('Error: unknown command "usr" for "etcdctl"');
  });

  it('prints the help and the error twice for flag errors', async () => {
    const r = await sh.run(['auth', 'enable', '--foo']);
    expect(r.code).toBe(1);
    expect(r.out.startsWith('NAME:\n\tauth enable - Enables authentication\n')).toBe(true);
    expect(r.err).toBe('Error: unknown flag: --foo\n\nError: unknown flag: --foo\n');
    expect((await sh.run(['user', 'get', 'x', '-w'])).err).toBe("Error: flag needs an argument: 'w' in -w\n\nError: flag needs an argument: 'w' in -w\n");
  });

  it('prints a group help for the group, an unknown subcommand and --help', async () => {
    for (const argv of [['auth'], ['auth', 'status'], ['auth', '--help'], ['help', 'auth'], ['au']]) {
      expect(await sh.run(argv)).toEqual({ out: AUTH_HELP, err: '', code: 0 });
    }
  });

  it('answers help for unknown topics with the root usage without -h', async () => {
    const r = await sh.run(['help', 'nosuch', 'x`y']);
    expect(r.err).toBe('Unknown help topic [`nosuch` "x`y"]\n');
    expect(r.out).not.toContain('help for etcdctl');
    expect(r.out).toContain('\nOPTIONS:\n      --cacert=""\t\t\t\tverify');
    expect(r.code).toBe(0);
  });

  it('has the completion group and scripts', async () => {
    const r = await sh.run(['completion']);
    expect(r.out).toContain('COMMANDS:\n\tbash\t\tGenerate the autocompletion script for bash\n\tfish\t\tGenerate the autocompletion script for fish\n\tpowershell\tGenerate');
    const bash = await sh.run(['completion', 'bash']);
    expect(bash.out).toContain('# bash completion V2 for etcdctl');
    expect((await sh.run(['completion', 'bash', '--no-descriptions'])).out).toContain('__completeNoDesc');
    const usage = await sh.run(['completion', 'zsh', '--help']);
    expect(usage.out).toContain('USAGE:\n\tetcdctl completion zsh\n\nDESCRIPTION:\n');
    const extra = await sh.run(['completion', 'bash', 'extra']);
    expect(extra.err).toBe('Error: unknown command "extra" for "etcdctl completion bash"\n\nError: unknown command "extra" for "etcdctl completion bash"\n');
    expect(extra.code).toBe(1);
  });

  it('fails migrate as etcdctl does without a v2 data directory', async () => {
    expect(await sh.run(['migrate'])).toEqual({ out: 'using default transformer\n', err: 'Error: open member/snap: no such file or directory\n', code: 1 });
  });
});

describe('ETCDCTL_* environment', () => {
  let sh: Shell;
  const stamp = (s: string) => s.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} /gm, '<TS> ');
  beforeAll(async () => {
    sh = await new Shell().ready();
    await sh.run(['user', 'list']);
  });

  it('writes capnslog lines', () => {
    expect(capnslogLine(1234.5, 'W', 'pkg/flags', 'x')).toBe('2020-09-13 12:26:41.234500 W | pkg/flags: x\n');
  });

  it('fills unset global flags, and a flag given twice is fatal when the client is built', async () => {
    sh.session.env.set('ETCDCTL_WRITE_OUT', 'json');
    expect((await sh.run(['user', 'list'])).out).toMatch(/^\{"header":/);
    const r = await sh.run(['user', 'list', '-w', 'simple']);
    expect(stamp(r.err)).toBe(
      '<TS> C | pkg/flags: conflicting environment variable "ETCDCTL_WRITE_OUT" is shadowed by corresponding command-line flag (either unset environment variable or disable flag)\n',
    );
    expect(r.code).toBe(1);
    // No client, no check.
    expect((await sh.run(['version', '-w', 'simple'])).code).toBe(0);
    // Argument errors come first.
    expect((await sh.run(['user', 'get', '-w', 'simple'])).code).toBe(128);
    sh.session.env.delete('ETCDCTL_WRITE_OUT');
  });

  it('warns about unknown variables and ignores invalid values', async () => {
    sh.session.env.set('ETCDCTL_BOGUS', '1');
    sh.session.env.set('ETCDCTL_DIAL_TIMEOUT', 'abc');
    const r = await sh.run(['user', 'list']);
    expect(stamp(r.err)).toBe('<TS> W | pkg/flags: unrecognized environment variable ETCDCTL_BOGUS=1\n');
    expect(r.code).toBe(0);
    sh.session.env.delete('ETCDCTL_BOGUS');
    sh.session.env.delete('ETCDCTL_DIAL_TIMEOUT');
  });

  it('uses ETCDCTL_ENDPOINTS when --endpoints is not given', async () => {
    sh.session.env.set('ETCDCTL_ENDPOINTS', '127.0.0.1:23790');
    expect((await sh.run(['user', 'list'], '', true)).code).toBe(0);
    sh.session.env.delete('ETCDCTL_ENDPOINTS');
    const none = await sh.run(['user', 'list', '--command-timeout=1s'], '', true);
    expect(none).toEqual({ out: '', err: 'Error: context deadline exceeded\n', code: 1 });
  });

  it('lists the settings with --debug', async () => {
    const r = await sh.run(['user', 'list', '--debug', '--endpoints=127.0.0.1:23790,x']);
    expect(r.err).toContain('ETCDCTL_COMMAND_TIMEOUT=5s\nETCDCTL_DEBUG=true\nETCDCTL_DIAL_TIMEOUT=2s\n');
    expect(r.err).toContain('ETCDCTL_ENDPOINTS=[127.0.0.1:23790,x]\n');
  });

  it('runs the v2 tool for ETCDCTL_API=2 and refuses other versions', async () => {
    sh.session.env.set('ETCDCTL_API', '2');
    expect(await sh.run(['get', 'e1'])).toEqual({ out: '', err: 'parse "127.0.0.1:23790": first path segment in URL cannot contain colon\n', code: 1 });
    expect(await sh.run(['version'])).toEqual({ out: '', err: "No help topic for 'version'\n", code: 3 });
    expect((await sh.run([], '', true)).out).toContain('etcdctl - A simple command line client for etcd.');
    sh.session.env.set('ETCDCTL_API', '4');
    expect(await sh.run(['version'])).toEqual({ out: '', err: 'unsupported API version 4\n', code: 1 });
    sh.session.env.set('ETCDCTL_API', '3');
    expect((await sh.run(['version'])).code).toBe(0);
    sh.session.env.delete('ETCDCTL_API');
  });
});

export type { CommandSpec };
