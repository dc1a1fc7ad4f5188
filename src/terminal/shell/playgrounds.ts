// `playground`: the page's named playgrounds from the shell (list, new,
// switch, rename, delete, reset, export). The page does the work through
// ShellHost.playgrounds; a shell without it (tests, an embed) says so.
import type { ShellCommand } from './shell.ts';

/** What the page offers for named playgrounds. Opening another one reloads the page. */
export interface PlaygroundControl {
  list(): Promise<{ current: string; playgrounds: { id: string; name: string }[] }>;
  create(name: string): Promise<void>;
  open(name: string): Promise<void>;
  rename(name: string, to: string): Promise<unknown>;
  remove(name: string): Promise<void>;
  reset(): Promise<void>;
  /** Downloads the current playground; the file's name. */
  exportFile(): string;
  /** Stores a playground file's text as a new playground (named after name) and opens it. */
  importText(name: string, text: string): Promise<void>;
}

const USAGE = `usage: playground                 list the playgrounds (* marks this one)
       playground new NAME        create an empty playground and open it
       playground switch NAME     open another playground (this one is saved)
       playground rename NAME NEW
       playground delete NAME
       playground reset           this playground, fresh
       playground export          download this playground as a file
`;

const ARITY: Record<string, number> = { new: 1, switch: 1, rename: 2, delete: 1, reset: 0, export: 0, list: 0 };

export const playground: ShellCommand = async (ctx) => {
  const pg = ctx.shell.host?.playgrounds;
  const [sub = 'list', ...rest] = ctx.args;
  if (ARITY[sub] === undefined || rest.length !== ARITY[sub]) {
    ctx.err(USAGE);
    return 1;
  }
  if (!pg) {
    ctx.err('playground: named playgrounds need the page and its browser storage\n');
    return 1;
  }
  try {
    if (sub === 'list') {
      const r = await pg.list();
      for (const p of r.playgrounds) ctx.out(`${p.id === r.current ? '*' : ' '} ${p.name}\n`);
    } else if (sub === 'new') {
      ctx.out(`opening new playground ${rest[0]}...\n`);
      await pg.create(rest[0]!);
    } else if (sub === 'switch') {
      ctx.out(`opening playground ${rest[0]}...\n`);
      await pg.open(rest[0]!);
    } else if (sub === 'rename') {
      await pg.rename(rest[0]!, rest[1]!);
      ctx.out(`renamed playground ${rest[0]} to ${rest[1]}\n`);
    } else if (sub === 'delete') {
      await pg.remove(rest[0]!);
      ctx.out(`deleted playground ${rest[0]}\n`);
    } else if (sub === 'reset') {
      await pg.reset();
    } else {
      ctx.out(`downloaded ${pg.exportFile()}\n`);
    }
    return 0;
  } catch (e) {
    ctx.err(`playground: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
};
