// What the control socket can do to the members of a served cluster: the
// process-level events a real etcd member goes through (SIGKILL, SIGTERM,
// a new launch on its data dir, the first launch of a member added with
// `member add`) plus a leadership transfer, each applied to the one member
// inside this process. Closing and reopening the member's client port
// follows from its life (serve.ts).
import type { NodeId } from '../../engine/raft/types.ts';
import type { Served } from '../serve.ts';

/** A command that could not be carried out; its message is the reply. */
export class ControlError extends Error {}

/** How long make-leader keeps asking (cluster-ctl.sh: 50 tries, 200 ms apart). */
const LEADER_TRIES = 50;
const POLL_MS = 200;
/** How long stop waits for a leader to hand over before it goes anyway (etcd's own transfer timeout is about this). */
const STOP_TRANSFER_MS = 2000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class ClusterControl {
  constructor(private readonly served: Served) {}

  private get c() {
    return this.served.cluster.cluster;
  }

  /** The live (not removed) member called name: an initial one or one added with `member add NAME`. */
  private id(name: string): NodeId {
    for (const m of this.c.members.values()) if (m.name === name && !this.c.removed.has(m.id)) return m.id;
    throw new ControlError(`no member named ${JSON.stringify(name)}`);
  }

  private running(id: NodeId): boolean {
    const life = this.c.nodes.get(id)?.life;
    return life === 'running' || life === 'paused';
  }

  /** Runs fn inside the simulation at the present moment. */
  private enter<T>(fn: () => T): T {
    return this.served.runner.enter(fn);
  }

  /** Until the cluster has served its first requests (every initial member knows a leader). */
  async ready(): Promise<string> {
    await this.served.ready;
    return '';
  }

  /** Milliseconds the cluster has run (its own clock, which started at 0 for a new cluster). */
  uptime(): string {
    return String(Math.floor(this.enter(() => this.c.now())));
  }

  /** name=life:clientURL for every member that was not removed, in member-list order. */
  members(): string {
    const out: string[] = [];
    for (const m of this.c.members.values()) {
      if (this.c.removed.has(m.id)) continue;
      out.push(`${m.name}=${this.c.nodes.get(m.id)?.life ?? 'none'}:${m.clientURLs.join('|')}`);
    }
    return out.join(' ');
  }

  /** SIGKILL: what was not on disk is lost; the data dir stays. */
  kill(name: string): string {
    const id = this.id(name);
    if (!this.running(id)) throw new ControlError(`${name} not running`);
    this.enter(() => this.c.crash(id));
    return '';
  }

  /** SIGTERM: a leader hands leadership over first, then the member stops (data dir kept). */
  async stop(name: string): Promise<string> {
    const id = this.id(name);
    if (!this.running(id)) return '';
    const c = this.c;
    if (this.enter(() => c.leader()?.id === id)) {
      const to = [...c.nodes.keys()].find((x) => x !== id && this.running(x) && !c.removed.has(x) && c.memberStatus(x) === 'voter');
      if (to !== undefined && this.enter(() => c.transferLeader(to)) === undefined) {
        const end = Date.now() + STOP_TRANSFER_MS;
        while (Date.now() < end && this.enter(() => c.leader()?.id === id)) await sleep(20);
      }
    }
    this.enter(() => c.crash(id));
    return '';
  }

  /** A new process on the member's own data dir. */
  restart(name: string): string {
    const id = this.id(name);
    if (this.running(id)) throw new ControlError(`${name} is running`);
    const err = this.enter(() => this.c.restart(id));
    if (err) throw new ControlError(err);
    return '';
  }

  /**
   * The first launch of a member added with `member add NAME`, serving
   * clients on clientURL (its --listen/--advertise-client-urls).
   */
  startNew(name: string, clientURL: string | undefined): string {
    const id = this.id(name);
    if (this.running(id)) throw new ControlError(`${name} is running`);
    if (clientURL !== undefined) {
      if (!/^http:\/\/[^/\s]+:\d+$/.test(clientURL)) throw new ControlError(`bad client URL ${JSON.stringify(clientURL)}`);
      this.c.members.get(id)!.clientURLs = [clientURL];
    }
    const err = this.enter(() => this.c.restart(id));
    if (err) throw new ControlError(err);
    return '';
  }

  /** Leadership transfer to name, asked again until it leads. */
  async makeLeader(name: string): Promise<string> {
    const want = this.id(name);
    const c = this.c;
    for (let i = 0; i < LEADER_TRIES; i++) {
      if (this.enter(() => c.leader()?.id === want)) return '';
      this.enter(() => (c.leader() ? c.transferLeader(want) : undefined));
      const end = Date.now() + POLL_MS;
      while (Date.now() < end && !this.enter(() => c.leader()?.id === want)) await sleep(20);
    }
    throw new ControlError(`could not make ${name} leader`);
  }

  /** One command line: "ACTION [ARGS...]"; the reply text (without "ok"). */
  async run(line: string): Promise<string> {
    const [action, ...args] = line.trim().split(/\s+/);
    const name = (): string => {
      if (args[0] === undefined) throw new ControlError(`${action} needs a member name`);
      return args[0];
    };
    switch (action) {
      case 'ready':
        return this.ready();
      case 'uptime':
        return this.uptime();
      case 'members':
        return this.members();
      case 'kill':
        return this.kill(name());
      case 'stop':
        return this.stop(name());
      case 'restart':
        return this.restart(name());
      case 'start-new':
        return this.startNew(name(), args[1]);
      case 'make-leader':
        return this.makeLeader(name());
      default:
        throw new ControlError(`unknown command ${JSON.stringify(action ?? '')}`);
    }
  }
}
