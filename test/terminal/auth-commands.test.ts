// The auth commands and --user/--password against the simulated cluster:
// enabling auth (root role granted on the way), password sources and
// prompts, authentication failures (exit 2), output formats.
import { beforeAll, describe, expect, it } from 'vitest';
import { Shell } from './cli-helpers.ts';

describe('auth commands', () => {
  let sh: Shell;
  beforeAll(async () => {
    sh = await new Shell().ready();
  });

  it('creates users from every password source', async () => {
    expect(await sh.run(['user', 'add', 'root', '--new-user-password=rootpw'])).toEqual({ out: 'User root created\n', err: '', code: 0 });
    expect((await sh.run(['user', 'add', 'bob:bobpw'])).out).toBe('User bob created\n');
    expect((await sh.run(['user', 'add', 'carol', '--interactive=false'], '  carolpw more\n')).out).toBe('User carol created\n');
    expect(await sh.run(['user', 'add', 'dave'], 'pw\npw\n')).toEqual({
      out: 'Password of dave: \nType password of dave again for confirmation: \nUser dave created\n',
      err: '',
      code: 0,
    });
    expect(await sh.run(['user', 'add', 'eve'], 'pw\nother\n')).toEqual({
      out: 'Password of eve: \nType password of eve again for confirmation: \n',
      err: 'Error: given passwords are different\n',
      code: 128,
    });
    expect((await sh.run(['user', 'add', 'eve'], '\n')).err).toBe('Error: empty password\n');
    expect((await sh.run(['user', 'add', ':pw'])).err).toBe('Error: empty user name is not allowed\n');
    expect((await sh.run(['user', 'add', 'a', 'b'])).err).toBe('Error: user add command requires user name as its argument\n');
    expect(await sh.run(['user', 'add', 'bob', '--new-user-password=x'])).toEqual({ out: '', err: 'Error: etcdserver: user name already exists\n', code: 1 });
  });

  it('lists users in the formats etcdctl supports for them', async () => {
    expect((await sh.run(['user', 'list'])).out).toBe('bob\ncarol\ndave\nroot\n');
    expect((await sh.run(['user', 'list', '-w', 'json'])).out).toMatch(/^\{"header":\{"cluster_id":\d+,"member_id":\d+,"revision":1,"raft_term":\d+\},"users":\["bob","carol","dave","root"\]\}\n$/);
    expect(await sh.run(['user', 'list', '-w', 'fields'])).toEqual({ out: '', err: 'Error: fields not supported as output format\n', code: 4 });
    expect((await sh.run(['user', 'list', '-w', 'table'])).code).toBe(4);
    expect(await sh.run(['user', 'list', '-w', 'yaml'])).toEqual({ out: '', err: 'Error: unsupported output format\n', code: 4 });
    expect((await sh.run(['user', 'list', 'x'])).err).toBe('Error: user list command requires no arguments\n');
  });

  it('grants permissions and prints roles', async () => {
    await sh.run(['role', 'add', 'r1']);
    for (const args of [
      ['read', 'foo'],
      ['write', 'a', 'c'],
      ['readwrite', 'dir/', '--prefix'],
      ['read', 'from/', '--from-key'],
      ['readwrite', '', '--from-key'],
    ]) {
      expect((await sh.run(['role', 'grant-permission', 'r1', ...args])).out).toBe('Role r1 updated\n');
    }
    expect((await sh.run(['role', 'get', 'r1'])).out).toBe(
      'Role r1\nKV Read:\n\t[\x00, <open ended>\n\t[dir/, dir0) (prefix dir/)\n\tfoo\n\t[from/, <open ended>\nKV Write:\n\t[\x00, <open ended>\n\t[a, c)\n\t[dir/, dir0) (prefix dir/)\n',
    );
    const fields = (await sh.run(['role', 'get', 'r1', '-w', 'fields'])).out;
    expect(fields).toContain('"PermType" :  READWRITE\n"Key" : "\\x00"\n"RangeEnd" : "\\x00"\n');
    expect((await sh.run(['role', 'get', 'r1', '-w', 'json'])).out).toContain('"perm":[{"permType":2,"key":"AA==","range_end":"AA=="},{"permType":1,"key":"YQ==","range_end":"Yw=="}');
    expect((await sh.run(['role', 'grant-permission', 'r1', 'bogus', 'x'])).err).toBe('Error: invalid permission type: bogus\n');
    expect((await sh.run(['role', 'grant-permission', 'r1', 'read', 'x', 'y', '--prefix'])).err).toBe('Error: unexpected endkey argument with --prefix flag\n');
    expect((await sh.run(['role', 'revoke-permission', 'r1', 'a', 'c'])).out).toBe('Permission of range [a, c) is revoked from role r1\n');
    expect((await sh.run(['role', 'revoke-permission', 'r1', '', '--from-key'])).out).toBe('Permission of range [, <open ended> is revoked from role r1\n');
    expect((await sh.run(['role', 'revoke-permission', 'r1', 'foo'])).out).toBe('Permission of key foo is revoked from role r1\n');
  });

  it('shows a user with and without role details', async () => {
    expect((await sh.run(['user', 'grant-role', 'bob', 'r1'])).out).toBe('Role r1 is granted to user bob\n');
    expect((await sh.run(['user', 'get', 'bob'])).out).toBe('User: bob\nRoles: r1\n');
    expect((await sh.run(['user', 'get', 'bob', '--detail'])).out).toBe(
      'User: bob\n\nRole r1\nKV Read:\n\t[dir/, dir0) (prefix dir/)\n\t[from/, <open ended>\nKV Write:\n\t[dir/, dir0) (prefix dir/)\n',
    );
    expect((await sh.run(['user', 'get', 'bob', '-w', 'fields'])).code).toBe(4);
    expect((await sh.run(['user', 'revoke-role', 'bob', 'r1', '-w', 'fields'])).out).toMatch(/^"ClusterID" : \d+\n"MemberID" : \d+\n"Revision" : 1\n"RaftTerm" : \d+\n$/);
  });

  it('enables auth, granting root the root role first', async () => {
    expect(await sh.run(['auth', 'enable'])).toEqual({ out: 'Authentication Enabled\n', err: '', code: 0 });
    expect((await sh.run(['user', 'get', 'root', '--user=root:rootpw'])).out).toBe('User: root\nRoles: root\n');
  });

  it('authenticates with --user and --password, and fails with exit 2', async () => {
    expect(await sh.run(['user', 'list'])).toEqual({ out: '', err: 'Error: etcdserver: user name is empty\n', code: 1 });
    expect(await sh.run(['user', 'list', '--user=root:wrong'])).toEqual({
      out: '',
      err: 'Error: etcdserver: authentication failed, invalid user ID or password\n',
      code: 2,
    });
    expect((await sh.run(['user', 'list', '--user=root', '--password=rootpw'])).code).toBe(0);
    // --password takes --user as the whole name.
    expect((await sh.run(['user', 'list', '--user=root:rootpw', '--password=rootpw'])).code).toBe(2);
    expect(await sh.run(['role', 'list', '--user=root'], 'rootpw\n')).toEqual({ out: 'Password: \nr1\nroot\n', err: '', code: 0 });
    expect((await sh.run(['user', 'list', '--user=bob:bobpw'])).err).toBe('Error: etcdserver: permission denied\n');
    // Argument errors come before the client, and so before authentication.
    expect((await sh.run(['user', 'get', '--user=root:wrong'])).code).toBe(128);
  });

  it('changes passwords from stdin', async () => {
    expect(await sh.run(['user', 'passwd', 'bob', '--interactive=false', '--user=root:rootpw'], 'newpw\n')).toEqual({ out: 'Password updated\n', err: '', code: 0 });
    expect((await sh.run(['role', 'get', 'r1', '--user=bob:bobpw'])).code).toBe(2);
    expect((await sh.run(['role', 'get', 'r1', '--user=bob:newpw'])).err).toBe('Error: etcdserver: permission denied\n');
  });

  it('protects root and disables auth', async () => {
    expect((await sh.run(['user', 'delete', 'root', '--user=root:rootpw'])).err).toBe('Error: etcdserver: invalid auth management\n');
    expect((await sh.run(['auth', 'disable', '--user=bob:newpw'])).err).toBe('Error: etcdserver: permission denied\n');
    expect(await sh.run(['auth', 'disable', '--user=root:rootpw'])).toEqual({ out: 'Authentication Disabled\n', err: '', code: 0 });
    expect((await sh.run(['auth', 'disable'])).out).toBe('Authentication Disabled\n');
    // With auth off, credentials are not needed and a wrong password is no failure.
    expect((await sh.run(['user', 'list', '--user=root:wrong'])).code).toBe(0);
    expect((await sh.run(['auth', 'enable', 'x'])).err).toBe('Error: auth enable command does not accept any arguments\n');
  });

  it('fails auth enable without a root user', async () => {
    const fresh = await new Shell().ready();
    expect(await fresh.run(['auth', 'enable'])).toEqual({ out: '', err: 'Error: etcdserver: root user does not exist\n', code: 1 });
    await fresh.run(['user', 'add', 'root:pw']);
    await fresh.run(['role', 'add', 'root']);
    // The root role exists but root lacks it: etcdctl's role add fails.
    expect((await fresh.run(['auth', 'enable'])).err).toBe('Error: etcdserver: role name already exists\n');
  });
});
