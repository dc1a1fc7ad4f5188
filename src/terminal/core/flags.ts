// The flags of a command: their specs, values and lookup by name and
// shorthand. pflag.ts parses argv against them.

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
}
