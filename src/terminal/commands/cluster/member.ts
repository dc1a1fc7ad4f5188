// etcdctl member add/remove/update/promote/list (ctlv3/command/member_command.go, 3.4).
import type { Callback, MemberListResponse } from '../../../engine/api/service.ts';
import type { Client } from '../../../engine/client/client.ts';
import { utf8 } from '../../../engine/util/bytes.ts';
import type { CommandSpec } from '../../core/command.ts';
import type { CommandContext } from '../../core/context.ts';
import { ExitBadArgs, ExitError } from '../../core/io.ts';
import { display, outputFormat, request } from '../../print/index.ts';
import { goQuote } from '../../print/index.ts';
import { hex16, parseHexId } from './common.ts';
import { type MembersResponse, memberChangeRenderers, memberListRenderers } from './member-print.ts';

/** types.NewURLs' checks, which clientv3 runs on peer URLs before MemberAdd/MemberUpdate. */
export function checkURLs(urls: readonly string[]): string | undefined {
  if (urls.length === 0) return 'no valid URLs given';
  for (const raw of urls) {
    const s = raw.trim();
    const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$/.exec(s);
    const scheme = m ? m[1]!.toLowerCase() : '';
    if (!['http', 'https', 'unix', 'unixs'].includes(scheme)) return `URL scheme must be http, https, unix, or unixs: ${s}`;
    const rest = m![2]!.replace(/[?#].*$/, '');
    let host = '';
    let path = rest;
    if (rest.startsWith('//')) {
      const slash = rest.indexOf('/', 2);
      host = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
      path = slash < 0 ? '' : rest.slice(slash);
      host = host.slice(host.lastIndexOf('@') + 1);
    }
    if (!hasHostPort(host)) return `URL address does not have the form "host:port": ${s}`;
    if (path !== '') return `URL must not contain a path: ${s}`;
  }
  return undefined;
}

/** net.SplitHostPort succeeds: "host:port" or "[v6]:port", one colon outside brackets. */
function hasHostPort(h: string): boolean {
  if (h.startsWith('[')) return /^\[[^\]]*\]:[^:]*$/.test(h);
  return (h.match(/:/g) ?? []).length === 1;
}

function memberId(ctx: CommandContext): string {
  if (ctx.args.length !== 1) ctx.fail(ExitBadArgs, 'member ID is not provided');
  const p = parseHexId(ctx.args[0]!);
  if ('err' in p) return ctx.fail(ExitBadArgs, `bad member ID arg (${p.err}), expecting ID in Hex`);
  return p.id;
}

async function memberAdd(ctx: CommandContext): Promise<void> {
  if (ctx.args.length < 1) ctx.fail(ExitBadArgs, 'member name not provided');
  if (ctx.args.length > 1) {
    let ev = 'too many arguments';
    for (const s of ctx.args) if (s.toLowerCase().startsWith('http')) ev += `, did you mean --peer-urls=${s}`;
    ctx.fail(ExitBadArgs, ev);
  }
  const name = ctx.args[0]!;
  const flag = ctx.str('peer-urls');
  if (flag === '') ctx.fail(ExitBadArgs, 'member peer urls not provided');
  const urls = flag.split(',');
  outputFormat(ctx);
  const bad = checkURLs(urls);
  if (bad) ctx.fail(ExitError, bad);
  const c = ctx.client();
  const resp = await request(ctx, ctx.call(c.memberAdd.bind(c, urls, ctx.bool('learner')), { name }));
  const newId = resp.member.ID;
  display(ctx, memberChangeRenderers(`Member ${hex16(newId)} added to cluster ${hex16(resp.header.clusterId)}\n`, resp));
  if (ctx.globals.writeOut !== 'simple') return;

  // The member that served the add knows the new list; make sure the one serving the list does too.
  const synced = new Set([resp.header.memberId]);
  let list: MemberListResponse = await request(ctx, ctx.call(c.memberList.bind(c)));
  while (!synced.has(list.header.memberId)) {
    const g = await request(ctx, ctx.call(c.get.bind(c, { key: utf8('_') })));
    synced.add(g.header.memberId);
    list = await request(ctx, ctx.call(c.memberList.bind(c)));
  }
  const conf: string[] = [];
  for (const m of list.members) for (const u of m.peerURLs) conf.push(`${m.ID === newId ? name : m.name}=${u}`);
  ctx.out(
    '\n' +
      `ETCD_NAME=${goQuote(name)}\n` +
      `ETCD_INITIAL_CLUSTER=${goQuote(conf.join(','))}\n` +
      `ETCD_INITIAL_ADVERTISE_PEER_URLS=${goQuote(urls.join(','))}\n` +
      'ETCD_INITIAL_CLUSTER_STATE="existing"\n',
  );
}

/** member remove/promote: one call on the member ID argument, reported as `Member <id> <verb> in cluster <id>`. */
function memberByID(verb: string, call: (c: Client, id: string) => (cb: Callback<MembersResponse>) => void) {
  return async (ctx: CommandContext): Promise<void> => {
    const id = memberId(ctx);
    outputFormat(ctx);
    const resp = await request(ctx, ctx.call(call(ctx.client(), id)));
    display(ctx, memberChangeRenderers(`Member ${hex16(id)} ${verb} cluster ${hex16(resp.header.clusterId)}\n`, resp));
  };
}

const memberRemove = memberByID('removed from', (c, id) => c.memberRemove.bind(c, id));
const memberPromote = memberByID('promoted in', (c, id) => c.memberPromote.bind(c, id));

async function memberUpdate(ctx: CommandContext): Promise<void> {
  const id = memberId(ctx);
  const flag = ctx.str('peer-urls');
  if (flag === '') ctx.fail(ExitBadArgs, 'member peer urls not provided');
  const urls = flag.split(',');
  outputFormat(ctx);
  const bad = checkURLs(urls);
  if (bad) ctx.fail(ExitError, bad);
  const c = ctx.client();
  const resp = await request(ctx, ctx.call(c.memberUpdate.bind(c, id, urls)));
  display(ctx, memberChangeRenderers(`Member ${hex16(id)} updated in cluster ${hex16(resp.header.clusterId)}\n`, resp));
}

async function memberList(ctx: CommandContext): Promise<void> {
  outputFormat(ctx);
  const c = ctx.client();
  const resp = await request(ctx, ctx.call(c.memberList.bind(c)));
  display(ctx, memberListRenderers(resp));
}

export const memberCommand: CommandSpec = {
  name: 'member',
  use: 'member <subcommand>',
  short: 'Membership related commands',
  subcommands: [
    {
      name: 'add',
      use: 'add <memberName> [options]',
      short: 'Adds a member into the cluster',
      flags: [
        { name: 'peer-urls', kind: 'string', def: '', usage: 'comma separated peer URLs for the new member.' },
        { name: 'learner', kind: 'bool', def: 'false', usage: 'indicates if the new member is raft learner' },
      ],
      run: memberAdd,
    },
    {
      name: 'remove',
      use: 'remove <memberID>',
      short: 'Removes a member from the cluster',
      run: memberRemove,
    },
    {
      name: 'update',
      use: 'update <memberID> [options]',
      short: 'Updates a member in the cluster',
      flags: [{ name: 'peer-urls', kind: 'string', def: '', usage: 'comma separated peer URLs for the updated member.' }],
      run: memberUpdate,
    },
    {
      name: 'list',
      use: 'list',
      short: 'Lists all members in the cluster',
      long:
        'When --write-out is set to simple, this command prints out comma-separated member lists for each endpoint.\n' +
        'The items in the lists are ID, Status, Name, Peer Addrs, Client Addrs, Is Learner.\n',
      run: memberList,
    },
    {
      name: 'promote',
      use: 'promote <memberID>',
      short: 'Promotes a non-voting member in the cluster',
      long: 'Promotes a non-voting learner member to a voting one in the cluster.\n',
      run: memberPromote,
    },
  ],
};
