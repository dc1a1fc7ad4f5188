// Scripts: the `#` directives parse (and bad ones are refused), a recording
// of what terminals got becomes a script that replays the same run, and the
// runner waits for a line's command only when the next line needs it.
import { describe, expect, it } from 'vitest';
import { EtcdCluster } from '../../src/engine/server/etcd-cluster.ts';
import { World } from '../../src/terminal/core/world.ts';
import { consoleTerminals, followLeaders, replayHeadless } from '../../src/ui/share/replay.ts';
import { parseScript, scriptOf, type Typed } from '../../src/ui/share/script.ts';

describe('script directives', () => {
  it('parses lines, terminals, waits and Ctrl-C; comments are skipped', () => {
    const r = parseScript(['etcdctl put a 1', '# a comment', '# wait 1.5', '# shell 2', 'etcdctl watch a', '# ^C', '', '# shell 2']);
    expect(r).toEqual({
      ok: true,
      steps: [
        { kind: 'line', text: 'etcdctl put a 1', shell: 1 },
        { kind: 'wait', ms: 1500 },
        { kind: 'shell', shell: 2 },
        { kind: 'line', text: 'etcdctl watch a', shell: 2 },
        { kind: 'interrupt', shell: 2 },
        { kind: 'line', text: '', shell: 2 },
      ],
    });
  });

  it('refuses bad directives with the line number', () => {
    expect(parseScript(['# shell 0'])).toEqual({ ok: false, error: expect.stringMatching(/^script line 1: "# shell" takes/) });
    expect(parseScript(['# shell 3', '# shell 2'])).toEqual({ ok: false, error: expect.stringMatching(/line 2: a script cannot go back/) });
    expect(parseScript(['# wait -1'])).toEqual({ ok: false, error: expect.stringMatching(/"# wait" takes seconds/) });
    expect(parseScript(['# wait forever'])).toEqual({ ok: false, error: expect.stringMatching(/"# wait" takes seconds/) });
    expect(parseScript(['# ^C now'])).toEqual({ ok: false, error: expect.stringMatching(/takes no argument/) });
  });

  it('turns a recording into waits and forward-only terminals', () => {
    const typed: Typed[] = [
      { tab: 1, line: 'etcdctl put a 1', t: 2500 },
      { tab: 2, line: 'etcdctl watch a', t: 4000 },
      { tab: 1, line: 'etcdctl put a 2', t: 4000.25 },
      { tab: 2, line: undefined, t: 6000 }, // Ctrl-C in a terminal the script left: dropped
      { tab: 1, line: '# typed comment', t: 6500 },
      { tab: 1, line: undefined, t: 7000 },
    ];
    expect(scriptOf(typed)).toEqual([
      '# wait 2.5',
      'etcdctl put a 1',
      '# wait 1.5',
      '# shell 2',
      'etcdctl watch a',
      '# wait 0.00025',
      '# shell 3',
      'etcdctl put a 2',
      '# wait 2.99975',
      '# ^C',
    ]);
  });
});

describe('replaying a recorded run', () => {
  it('a run typed at arbitrary times replays to the same leaders and terms', async () => {
    // The "original": lines typed between chunks of simulated time, as the page's frames do.
    const world = new World(new EtcdCluster({ seed: 99, nodes: 3, traceCapacity: 100 }));
    const leaders = followLeaders(world.etcd.cluster);
    const terms = consoleTerminals(world);
    const typed: Typed[] = [];
    const type = (line: string) => {
      typed.push({ tab: 1, line, t: world.now() });
      terms.type(line + '\r');
    };
    await world.advance(1733.3);
    type('etcdctl put k v');
    await world.advance(812.77);
    const leader = world.etcd.cluster.leader()!.name;
    type(`kill ${leader}`);
    await world.advance(2950.123);
    type('members');
    await world.advance(1000);
    type(`restart ${leader}`);
    await world.advance(3000);
    const end = world.now();

    const script = scriptOf(typed);
    const replay = await replayHeadless({ etcdplay: 1, seed: 99, script }, { tailMs: end - 1733.3 - 812.77 - 2950.123 - 1000 });
    expect(replay.leaders).toEqual(leaders.list);
    expect(replay.leaders.length).toBeGreaterThan(1);
    expect(replay.screens[0]).toContain(terms.screens()[0]!.split('\n').slice(0, 6).join('\n'));
  });

  it('types ahead: a line for a busy terminal waits for its command', async () => {
    const r = await replayHeadless({ etcdplay: 1, seed: 4, script: ['sleep 1', 'etcdctl put x 1', 'etcdctl get x --print-value-only'] }, { tailMs: 500 });
    expect(r.screens[0]).toMatch(/\$ sleep 1\n\$ etcdctl put x 1\nOK\n\$ etcdctl get x --print-value-only\n1\n/);
  });

  it('Ctrl-C stops a watch', async () => {
    const r = await replayHeadless({ etcdplay: 1, seed: 4, script: ['sleep 1', 'etcdctl watch w', '# wait 1', '# ^C', 'echo after'] }, { tailMs: 100 });
    expect(r.screens[0]).toMatch(/watch w\n\^C\n\$ echo after\nafter\n/);
  });
});
