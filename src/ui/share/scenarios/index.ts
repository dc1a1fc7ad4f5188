// The ready-made scenarios: data files (`*.etcdplay.json`, the same format as
// a downloaded scenario), checked like any other scenario when loaded. The
// Share menu lists them in this order.
import { type Scenario, validateScenario } from '../scenario.ts';

const files = import.meta.glob<unknown>('./*.etcdplay.json', { eager: true, import: 'default' });

const ORDER = [
  'leader-failover',
  'split-vote',
  'minority-partition',
  'stale-serializable-read',
  'lease-expiry-watchers',
  'learner-promotion',
  'snapshot-catch-up',
];

export interface ShippedScenario {
  id: string;
  scenario: Scenario;
}

function load(): ShippedScenario[] {
  const out: ShippedScenario[] = [];
  for (const [path, data] of Object.entries(files)) {
    const id = path.replace(/^.*\//, '').replace(/\.etcdplay\.json$/, '');
    const r = validateScenario(data);
    if (r.ok) out.push({ id, scenario: r.value });
    else console.warn(`scenario ${id} is not valid: ${r.error}`);
  }
  const rank = (id: string) => (ORDER.includes(id) ? ORDER.indexOf(id) : ORDER.length);
  return out.sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
}

export const SCENARIOS: readonly ShippedScenario[] = load();
