// What the page's address asks for, read once before the world is built:
//
//   #s=…          a share link's scenario (codec.ts): the page starts a fresh
//                 playground with its seed and settings and replays its script
//   ?embed=1      the compact embed (a view and a terminal, nothing else),
//                 unsaved: an embed never touches the visitor's saved playground
//   &view=log|keys  the embed's view (default: the cluster ring)
//
// Outside an embed, a valid link asks the persistence layer for a fresh
// playground (`?reset`, as `?seed` does, the link replaces the saved one) and
// the fragment is dropped from the address, so a reload restores the
// playground as it went on rather than replaying the link again. A link that
// cannot be opened leaves the playground alone; the page says why.
import { payloadOfHash, decodeScenario } from './codec.ts';
import type { Scenario } from './scenario.ts';
import { parseScript, type Step } from './script.ts';

export type EmbedView = 'ring' | 'log' | 'keys';

export interface Boot {
  embed: boolean;
  view: EmbedView;
  /** The link's scenario and its parsed script. */
  scenario?: Scenario;
  steps?: Step[];
  /** Why the link in the address could not be opened. */
  error?: string;
}

let boot: Boot | undefined;

export function parseBoot(search: string, hash: string): Boot {
  const params = new URLSearchParams(search);
  const embed = params.has('embed') && params.get('embed') !== '0';
  const v = params.get('view');
  const b: Boot = { embed, view: v === 'log' || v === 'keys' ? v : 'ring' };
  const payload = payloadOfHash(hash);
  if (payload === undefined) return b;
  const r = decodeScenario(payload);
  if (!r.ok) return { ...b, error: r.error };
  const steps = parseScript(r.value.script);
  if (!steps.ok) return { ...b, error: `the link's script is not valid: ${steps.error}` };
  return { ...b, scenario: r.value, steps: steps.steps };
}

/** The address's requests (read once; later calls return the same). */
export function readBoot(): Boot {
  if (boot) return boot;
  boot = parseBoot(location.search, location.hash);
  if (!boot.embed && payloadOfHash(location.hash) !== undefined) {
    const params = new URLSearchParams(location.search);
    if (boot.scenario) params.set('reset', '');
    const q = params.toString().replace(/(^|&)reset=(&|$)/, '$1reset$2');
    history.replaceState(history.state, '', `${location.pathname}${q ? `?${q}` : ''}`);
  }
  return boot;
}
