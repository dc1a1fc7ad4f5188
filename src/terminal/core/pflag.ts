// spf13/pflag's parse loop and value setters, as cobra drives them for
// etcdctl: --name=value, --name value, bool flags without a value, -s value,
// -svalue, -s=value, grouped shorthands (-ab), `--` ending the flags, flags
// interspersed with arguments, slices that append. Errors carry pflag's
// exact words (etcdctl prints them twice around the command's help).
import { type FlagSpec, type FlagValue, type ParsedFlags, FlagError, FlagSet } from './flags.ts';
import { parseBool, parseGoDuration, parseInt64, parseUint64, readCsvRecord, type Parsed } from './goparse.ts';
import { goQuote } from './gostr.ts';

/** pflag's NoOptDefVal: only bool flags may be given without a value. */
export function hasNoOptDefVal(f: FlagSpec | undefined): boolean {
  return f?.kind === 'bool';
}

/** A flag's value from its text, or the message of the Value's Set error. */
function convert(f: FlagSpec, text: string, prev: FlagValue, changed: boolean): Parsed<FlagValue> {
  switch (f.kind) {
    case 'bool':
      return parseBool(text);
    case 'int':
      return parseInt64(text);
    case 'uint':
      return parseUint64(text);
    case 'duration':
      return parseGoDuration(text);
    case 'stringSlice': {
      const r = readCsvRecord(text);
      if (!r.ok) return r;
      return { ok: true, value: changed ? [...(prev as string[]), ...r.value] : r.value };
    }
    case 'stringArray':
      return { ok: true, value: changed ? [...(prev as string[]), text] : [text] };
    default:
      return { ok: true, value: text };
  }
}

/** FlagSet.Set: sets a flag from its text and marks it changed; throws pflag's error. */
export function setFlagText(parsed: ParsedFlags, f: FlagSpec, text: string): void {
  const r = convert(f, text, parsed.values.get(f.name)!, parsed.changed.has(f.name));
  if (!r.ok) {
    const name = f.shorthand ? `-${f.shorthand}, --${f.name}` : `--${f.name}`;
    throw new FlagError(`invalid argument ${goQuote(text)} for ${goQuote(name)} flag: ${r.error}`);
  }
  parsed.values.set(f.name, r.value);
  parsed.changed.add(f.name);
}

/** A flag's default value, from its DefValue text. */
export function defaultValue(f: FlagSpec): FlagValue {
  switch (f.kind) {
    case 'bool':
      return f.def === 'true';
    case 'int':
    case 'uint':
      return Number(f.def);
    case 'duration': {
      const d = parseGoDuration(f.def);
      return d.ok ? d.value : 0;
    }
    case 'stringSlice':
    case 'stringArray':
      return f.def === '[]' ? [] : f.def.slice(1, -1).split(',');
    default:
      return f.def;
  }
}

/** One -abc group: each letter a shorthand; a value-taking one eats the rest or the next word. */
function parseShorts(set: FlagSet, parsed: ParsedFlags, arg: string, rest: string[]): void {
  let shorthands = arg.slice(1);
  while (shorthands.length > 0) {
    const c = String.fromCodePoint(shorthands.codePointAt(0)!);
    const f = set.lookupShort(c);
    // pflag looks at bytes: a multi-byte character is reported as its first byte's rune ('é' as 'Ã').
    if (!f) throw new FlagError(`unknown shorthand flag: ${quoteRune(String.fromCharCode(new TextEncoder().encode(c)[0]!))} in -${shorthands}`);
    const after = shorthands.slice(c.length);
    if (after.length > 1 && after[0] === '=') {
      setFlagText(parsed, f, after.slice(1));
      shorthands = '';
    } else if (hasNoOptDefVal(f)) {
      setFlagText(parsed, f, 'true');
      shorthands = after;
    } else if (after.length > 0) {
      setFlagText(parsed, f, after);
      shorthands = '';
    } else if (rest.length > 0) {
      setFlagText(parsed, f, rest.shift()!);
      shorthands = '';
    } else {
      throw new FlagError(`flag needs an argument: ${quoteRune(c)} in -${shorthands}`);
    }
  }
}

/** Go's %q of a rune: a single-quoted character literal. */
function quoteRune(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return `'"'`;
  return `'${goQuote(c).slice(1, -1)}'`;
}

function parseLong(set: FlagSet, parsed: ParsedFlags, arg: string, rest: string[]): void {
  const body = arg.slice(2);
  if (body === '' || body[0] === '-' || body[0] === '=') throw new FlagError(`bad flag syntax: ${arg}`);
  const eq = body.indexOf('=');
  const name = eq < 0 ? body : body.slice(0, eq);
  const f = set.lookup(name);
  if (!f) throw new FlagError(`unknown flag: --${name}`);
  if (eq >= 0) setFlagText(parsed, f, body.slice(eq + 1));
  else if (hasNoOptDefVal(f)) setFlagText(parsed, f, 'true');
  else if (rest.length > 0) setFlagText(parsed, f, rest.shift()!);
  else throw new FlagError(`flag needs an argument: ${arg}`);
}

/** Parses argv (the words after the command path) against a command's flags (one spec per name). Throws FlagError. */
export function parseFlags(specs: readonly FlagSpec[], argv: readonly string[]): ParsedFlags {
  const set = new FlagSet(specs);
  const values = new Map<string, FlagValue>();
  for (const f of specs) if (!values.has(f.name)) values.set(f.name, defaultValue(f));
  const parsed: ParsedFlags = { values, changed: new Set(), args: [], argsLenAtDash: -1 };
  const rest = [...argv];
  while (rest.length > 0) {
    const s = rest.shift()!;
    if (s.length < 2 || s[0] !== '-') {
      parsed.args.push(s);
    } else if (s === '--') {
      parsed.argsLenAtDash = parsed.args.length;
      parsed.args.push(...rest.splice(0));
    } else if (s[1] === '-') {
      parseLong(set, parsed, s, rest);
    } else {
      parseShorts(set, parsed, s, rest);
    }
  }
  return parsed;
}
