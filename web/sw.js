// The service worker: keeps the app shell so the page opens and works with no network
// after the first visit. Network first (a new build is used as soon as it is online),
// the cache when the network fails. Only this site's own files pass through it; logs
// never do (files are read from disk by the page, not fetched).
const CACHE = 'trailglass-shell';
const scope = self.registration.scope;

// The page names its scripts, styles and wasm; the worker's files are named in
// worker-loader.js, which src/web/engine.rs starts.
const SHELL = ['', 'index.html', 'sw.js', 'worker-loader.js', 'worker.js', 'worker_bg.wasm'];

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    const page = await fetch(scope, { cache: 'no-cache' });
    const named = [...(await page.clone().text()).matchAll(/(?:href|src)="\.\/([^"#?]+)"/g)].map((m) => m[1]);
    await cache.put(scope, page);
    await cache.addAll([...new Set([...SHELL.slice(1), ...named])].map((f) => new URL(f, scope).href));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || !request.url.startsWith(scope)) return;
  event.respondWith((async () => {
    try {
      const response = await fetch(request);
      if (response.ok) {
        const cache = await caches.open(CACHE);
        await cache.put(request, response.clone());
      }
      return response;
    } catch (offline) {
      const kept = await caches.match(request, { ignoreSearch: true });
      if (kept) return kept;
      throw offline;
    }
  })());
});
