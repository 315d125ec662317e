// The demo store's Service Worker: loads the store (Rust, crates/store-worker) and answers every
// same-origin /api/... fetch with it. Everything else goes to the network as usual.
importScripts('/store.js');
const ready = wasm_bindgen({ module_or_path: '/store_bg.wasm' });

self.addEventListener('install', (event) => {
  // A new build's store takes over at once; the store's data lives in IndexedDB, not here.
  event.waitUntil(ready.then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

// A page loaded by a hard reload is not controlled even though this worker is active; it asks.
self.addEventListener('message', (event) => {
  if (event.data === 'claim') event.waitUntil(self.clients.claim());
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.origin === self.location.origin && url.pathname.startsWith('/api/')) {
    event.respondWith(ready.then(() => wasm_bindgen.answer(event.request)));
  }
});
