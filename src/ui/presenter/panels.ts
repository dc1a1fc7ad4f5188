// Which parts of the page presenter mode shows: the teacher ticks them, and
// the choice is kept in localStorage for the next class.
export type ViewTab = 'ring' | 'log' | 'path' | 'keys' | 'leases' | 'members' | 'setup';
export type PresenterPanel = 'terminal' | 'lessons' | 'notes' | 'faults' | 'inspector' | ViewTab;
export type Panels = Record<PresenterPanel, boolean>;

export const VIEW_TABS: readonly ViewTab[] = ['ring', 'log', 'path', 'keys', 'leases', 'members', 'setup'];
export const SIDE_PANELS: readonly PresenterPanel[] = ['terminal', 'lessons', 'notes', 'faults', 'inspector'];

export const DEFAULT_PANELS: Readonly<Panels> = {
  terminal: true,
  lessons: true,
  notes: true,
  faults: true,
  inspector: false,
  ring: true,
  log: true,
  path: true,
  keys: true,
  leases: false,
  members: false,
  setup: false,
};

const KEY = 'etcd-playground:presenter-panels';

/** The saved choice merged over the defaults (unknown or broken entries are ignored). */
export function parsePanels(raw: string | null | undefined): Panels {
  const out: Panels = { ...DEFAULT_PANELS };
  if (!raw) return out;
  try {
    const v: unknown = JSON.parse(raw);
    if (v && typeof v === 'object') {
      for (const k of Object.keys(out) as PresenterPanel[]) {
        const b = (v as Record<string, unknown>)[k];
        if (typeof b === 'boolean') out[k] = b;
      }
    }
  } catch {
    // A damaged entry falls back to the defaults.
  }
  return out;
}

export function loadPanels(): Panels {
  try {
    return parsePanels(globalThis.localStorage?.getItem(KEY));
  } catch {
    return { ...DEFAULT_PANELS };
  }
}

export function savePanels(p: Panels): void {
  try {
    globalThis.localStorage?.setItem(KEY, JSON.stringify(p));
  } catch {
    // Storage disabled: the choice holds for this page only.
  }
}

/** The tabs to offer: the chosen ones, or the cluster ring if none is chosen. */
export function shownTabs(p: Panels): ViewTab[] {
  const tabs = VIEW_TABS.filter((t) => p[t]);
  return tabs.length > 0 ? tabs : ['ring'];
}

/** `?present=1` (or `?present`) opens the page in presenter mode. */
export function presentRequested(search: string): boolean {
  const v = new URLSearchParams(search).get('present');
  return v !== null && v !== '0' && v !== 'false';
}
