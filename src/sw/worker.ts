// The service worker (built by plugin.ts into sw.js beside index.html, with
// PRECACHE, the built site's files, and VERSION, a hash of their contents).
// Install caches every file of this version; from then on the page loads
// from the cache, online or not, so it runs offline after the first visit.
// A new build is a new sw.js: the browser installs it in the background, it
// takes over at once and deletes the old version's cache, and the next visit
// runs the new files (register.ts says "updated"). IndexedDB (the saved
// playground) is not the worker's business and survives every update.
//
// Kept free of imports and of DOM types: it is compiled on its own.

declare const PRECACHE: string[];
declare const VERSION: string;

interface SwEvent {
  waitUntil(p: Promise<unknown>): void;
}
interface SwFetchEvent extends SwEvent {
  request: Request;
  respondWith(r: Promise<Response>): void;
}
interface SwMessageEvent extends SwEvent {
  data: unknown;
  source: { postMessage(m: unknown): void } | null;
}
interface SwScope {
  location: Location;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  addEventListener(type: 'install' | 'activate', fn: (e: SwEvent) => void): void;
  addEventListener(type: 'fetch', fn: (e: SwFetchEvent) => void): void;
  addEventListener(type: 'message', fn: (e: SwMessageEvent) => void): void;
}

const sw = self as unknown as SwScope;
const PREFIX = 'etcd-playground-';
const CACHE = PREFIX + VERSION;
const here = (path: string) => new URL(path, sw.location.href).href;
const INDEX = here('index.html');

sw.addEventListener('install', (e) => {
  e.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // Straight from the network: an HTTP cache may still hold the old version's files.
      await cache.addAll(PRECACHE.map((f) => new Request(here(f), { cache: 'reload' })));
      await sw.skipWaiting();
    })(),
  );
});

sw.addEventListener('activate', (e) => {
  e.waitUntil(
    (async () => {
      for (const k of await caches.keys()) if (k.startsWith(PREFIX) && k !== CACHE) await caches.delete(k);
      await sw.clients.claim();
    })(),
  );
});

sw.addEventListener('message', (e) => {
  if (e.data === 'version') e.source?.postMessage({ version: VERSION });
});

async function fromCache(req: Request, key: string | Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(key, { ignoreSearch: true });
  if (hit) return hit;
  // Not one of ours (or the cache was evicted): the network, or the cached page as a last resort.
  try {
    return await fetch(req);
  } catch (err) {
    const page = req.mode === 'navigate' ? await cache.match(INDEX) : undefined;
    if (page) return page;
    throw err;
  }
}

sw.addEventListener('fetch', (e) => {
  const req = e.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== sw.location.origin) return;
  const url = new URL(req.url);
  url.search = '';
  url.hash = '';
  // The page itself, whatever its query (?embed=1, ?seed=…) or fragment (#s=…).
  const isPage = req.mode === 'navigate' && (url.href === here('./') || url.href === INDEX);
  e.respondWith(fromCache(req, isPage ? INDEX : req));
});
