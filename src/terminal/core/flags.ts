// Flags as spf13/pflag parses them for cobra: --name=value, --name value,
// -s value, -svalue, -s=value, grouped bool shorthands (-ab), `--` ending
// flags, flags interspersed with arguments, slices that append. Errors carry
// pflag's words, since etcdctl prints them verbatim.

export type FlagKind = 'bool' | 'string' | 'int' | 'uint' | 'duration' | 'stringSlice' | 'stringArray';

export interface FlagSpec {
  name: string;
  shorthand?: string;
  kind: FlagKind;
  /** The default, as pflag's DefValue prints it in usage (e.g. "5s", "false", "[127.0.0.1:2379]"). */
  def: string;
  usage: string;
  /** Hidden flags parse but are not listed in help. */
  hidden?: boolean;
}

export type FlagValue = boolean | string | number | string[];

export class FlagError extends Error {}

/** A parsed set: values by flag name, which were set explicitly, and the positional arguments. */
export interface ParsedFlags {
  values: Map<string, FlagValue>;
  changed: Set<string>;
  args: string[];
  /** Arguments after a `--` (also included in args), as cobra's ArgsLenAtDash reports. */
  argsLenAtDash: number;
}

/** Go's time.ParseDuration, in milliseconds. */
export function parseDuration(s: string): number | undefined {
  if (s === '0') return 0;
  const m = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/.exec(s);
  if (!m) return undefined;
  const unitMs: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const part of s.replace(/^[-+]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)) {
    total += parseFloat(part[1]!) * unitMs[part[2]!]!;
  }
  return m[1] === '-' ? -total : total;
}

/** Go's %v of a duration given in ms (time.Duration.String), for usage defaults. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}

function defaultValue(f: FlagSpec): FlagValue {
  switch (f.kind) {
    case 'bool':
      return f.def === 'true';
    case 'int':
    case 'uint':
      return Number(f.def);
    case 'duration':
      return parseDuration(f.def) ?? 0;
    case 'stringSlice':
    case 'stringArray':
      return f.def === '[]' ? [] : f.def.slice(1, -1).split(',');
    default:
      return f.def;
  }
}

function goSyntaxError(fn: string, v: string, why = 'invalid syntax'): string {
  return `strconv.${fn}: parsing ${JSON.stringify(v)}: ${why}`;
}

/** Converts a flag's text to its value, or throws pflag's message. */
function convert(f: FlagSpec, text: string, prev: FlagValue, changed: boolean): FlagValue {
  const bad = (why: string): never => {
    throw new FlagError(`invalid argument ${JSON.stringify(text)} for "${f.shorthand ? `-${f.shorthand}, ` : ''}--${f.name}" flag: ${why}`);
  };
  switch (f.kind) {
    case 'bool': {
      const t = ['1', 't', 'T', 'TRUE', 'true', 'True'];
      const fl = ['0', 'f', 'F', 'FALSE', 'false', 'False'];
      if (t.includes(text)) return true;
      if (fl.includes(text)) return false;
      return bad(goSyntaxError('ParseBool', text));
    }
    case 'int':
    case 'uint': {
      if (!/^[-+]?\d+$/.test(text)) return bad(goSyntaxError(f.kind === 'int' ? 'ParseInt' : 'ParseUint', text));
      if (f.kind === 'uint' && text.startsWith('-')) return bad(goSyntaxError('ParseUint', text));
      const n = Number(text);
      if (!Number.isSafeInteger(n)) return bad(goSyntaxError(f.kind === 'int' ? 'ParseInt' : 'ParseUint', text, 'value out of range'));
      return n;
    }
    case 'duration': {
      const d = parseDuration(text);
      if (d === undefined) return bad(`time: invalid duration ${JSON.stringify(text)}`);
      return d;
    }
    case 'stringSlice': {
      const items = text === '' ? [] : text.split(',');
      return changed ? [...(prev as string[]), ...items] : items;
    }
    case 'stringArray':
      return changed ? [...(prev as string[]), text] : [text];
    default:
      return text;
  }
}

/** The flags of a command and its ancestors' persistent flags, looked up by name and shorthand. */
export class FlagSet {
  private readonly byName = new Map<string, FlagSpec>();
  private readonly byShort = new Map<string, FlagSpec>();

  constructor(specs: readonly FlagSpec[]) {
    for (const f of specs) {
      this.byName.set(f.name, f);
      if (f.shorthand) this.byShort.set(f.shorthand, f);
    }
  }

  lookup(name: string): FlagSpec | undefined {
    return this.byName.get(name);
  }

  lookupShort(s: string): FlagSpec | undefined {
    return this.byShort.get(s);
  }

  /** Parses argv (without the command path) into flag values and arguments. */
  parse(argv: readonly string[]): ParsedFlags {
    const values = new Map<string, FlagValue>();
    for (const f of this.byName.values()) values.set(f.name, defaultValue(f));
    const changed = new Set<string>();
    const args: string[] = [];
    const parsed: ParsedFlags = { values, changed, args, argsLenAtDash: -1 };
    const set = (f: FlagSpec, text: string): void => setFlag(parsed, f, text);
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      if (a === '--') {
        parsed.argsLenAtDash = args.length;
        args.push(...argv.slice(i + 1));
        break;
      }
      if (a.startsWith('--')) {
        const eq = a.indexOf('=');
        const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
        const f = this.byName.get(name);
        if (!f || name === '') throw new FlagError(`unknown flag: --${name}`);
        if (eq >= 0) set(f, a.slice(eq + 1));
        else if (f.kind === 'bool') set(f, 'true');
        else if (i + 1 < argv.length) set(f, argv[++i]!);
        else throw new FlagError(`flag needs an argument: --${name}`);
        continue;
      }
      if (a.startsWith('-') && a.length > 1) {
        // Shorthands: -abc, -w json, -wjson, -w=json.
        let rest = a.slice(1);
        while (rest.length > 0) {
          const c = rest[0]!;
          const f = this.byShort.get(c);
          if (!f) throw new FlagError(`unknown shorthand flag: '${c}' in -${a.slice(1)}`);
          rest = rest.slice(1);
          if (rest.startsWith('=')) {
            set(f, rest.slice(1));
            rest = '';
          } else if (f.kind === 'bool') {
            set(f, 'true');
          } else if (rest.length > 0) {
            set(f, rest);
            rest = '';
          } else if (i + 1 < argv.length) {
            set(f, argv[++i]!);
          } else {
            throw new FlagError(`flag needs an argument: '${c}' in -${c}`);
          }
        }
        continue;
      }
      args.push(a);
    }
    return parsed;
  }
}

/** Sets a flag from its text as if given on the command line (throws FlagError). */
export function setFlag(parsed: ParsedFlags, f: FlagSpec, text: string): void {
  parsed.values.set(f.name, convert(f, text, parsed.values.get(f.name)!, parsed.changed.has(f.name)));
  parsed.changed.add(f.name);
}
