// The page's side of the service worker: registers sw.js (production builds
// only; the dev server has no sw.js), and tells the visitor when a new
// version took over: "reload to use it" while an old page is open, and
// "updated" on the first visit that runs it. Tests read window.__etcdSw.
import { showNotice } from '../ui/persist/notice.ts';

const SEEN = 'etcd-playground:version';

export interface SwTestHook {
  /** The version the controlling worker reports (undefined: not controlled yet). */
  version?: string;
  /** Set when this page saw a new worker take over. */
  replaced?: boolean;
}

declare global {
  interface Window {
    __etcdSw?: SwTestHook;
  }
}

function askVersion(sw: ServiceWorker): Promise<string | undefined> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(undefined), 3000);
    navigator.serviceWorker.addEventListener('message', function on(e: MessageEvent<{ version?: string }>) {
      if (typeof e.data?.version !== 'string') return;
      navigator.serviceWorker.removeEventListener('message', on);
      clearTimeout(t);
      resolve(e.data.version);
    });
    sw.postMessage('version');
  });
}

function remember(version: string | undefined, announce: boolean): void {
  if (!version) return;
  const hook = (window.__etcdSw ??= {});
  hook.version = version;
  let seen: string | null = null;
  try {
    seen = localStorage.getItem(SEEN);
    localStorage.setItem(SEEN, version);
  } catch {
    // no storage: no notice
  }
  if (announce && seen !== null && seen !== version) {
    showNotice('The playground was updated to a new version. Your saved playground is still here.', { timeoutMs: 8000 });
  }
}

export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const sw = navigator.serviceWorker;
  window.__etcdSw ??= {};
  const hadController = sw.controller !== null;
  if (sw.controller) void askVersion(sw.controller).then((v) => remember(v, true));
  sw.addEventListener('controllerchange', () => {
    const c = sw.controller;
    if (!c) return;
    if (hadController) {
      // This page still runs the old files; the next visit says "updated".
      window.__etcdSw!.replaced = true;
      showNotice('A new version of the playground is ready; it runs from the next visit.', {
        action: { label: 'reload now', run: () => location.reload() },
      });
      return;
    }
    // First visit: the worker just took over; this page's version is the one it caches.
    void askVersion(c).then((v) => remember(v, false));
  });
  const register = () => void sw.register('./sw.js').catch((e: unknown) => console.warn('service worker registration failed', e));
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}
