// The page's language: English or Simplified Chinese. Kept in localStorage so
// a reload keeps it; components and lessons subscribe to follow a switch.
export type Lang = 'en' | 'zh';
export const LANGS: readonly Lang[] = ['en', 'zh'];
const KEY = 'etcd-playground:lang';

const listeners = new Set<(l: Lang) => void>();

function stored(): Lang | undefined {
  try {
    const v = globalThis.localStorage?.getItem(KEY);
    return v === 'en' || v === 'zh' ? v : undefined;
  } catch {
    return undefined;
  }
}

function preferred(): Lang {
  const nav = (globalThis as { navigator?: { language?: string } }).navigator?.language ?? '';
  return nav.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

let current: Lang = stored() ?? preferred();

export function getLang(): Lang {
  return current;
}

export function setLang(l: Lang): void {
  if (l === current) return;
  current = l;
  try {
    globalThis.localStorage?.setItem(KEY, l);
  } catch {
    // Private mode: the switch still holds for this page.
  }
  for (const fn of listeners) fn(l);
}

/** Calls fn on every switch; returns the unsubscribe. */
export function onLang(fn: (l: Lang) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
