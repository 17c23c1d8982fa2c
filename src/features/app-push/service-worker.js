// The portal's service worker, served at the workspace's portal base (its scope). The server puts
// the constants in front of this file: SHELL (the stylesheets, scripts and icons every page uses),
// OFFLINE (the offline page) and CACHE (this version's cache name).
//
// What it keeps is the shell and the offline page, nothing else: a page or an answer of the portal
// may be private (an invoice, a message), and a cache outlives the sign-out. Navigations always go
// to the network; only when the network fails is the offline page shown. Other requests the
// worker does not touch, except the shell, answered from the cache and refreshed behind.
/* global SHELL, OFFLINE, CACHE, PREFIX */

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([...SHELL, OFFLINE]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith(PREFIX) && name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  if (request.mode === 'navigate') {
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE).then((page) => page || Response.error())));
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || !SHELL.includes(url.pathname + url.search)) return;
  event.respondWith(
    caches.open(CACHE).then((cache) =>
      cache.match(request).then((cached) => {
        const fresh = fetch(request).then((answer) => {
          if (answer.ok) cache.put(request, answer.clone());
          return answer;
        });
        if (!cached) return fresh;
        event.waitUntil(fresh.catch(() => undefined));
        return cached;
      }),
    ),
  );
});

// A push message: a title, a sentence and where a tap leads, shown as a notification.
self.addEventListener('push', (event) => {
  let message = null;
  try {
    message = event.data ? event.data.json() : null;
  } catch (_e) {
    message = null;
  }
  if (!message || typeof message.title !== 'string') return;
  event.waitUntil(
    self.registration.showNotification(message.title, {
      body: typeof message.body === 'string' ? message.body : '',
      tag: typeof message.tag === 'string' ? message.tag : undefined,
      icon: SHELL.find((path) => path.includes('/app-icons/192.png')),
      data: { url: typeof message.url === 'string' ? message.url : self.registration.scope },
    }),
  );
});

// A tap opens the record, inside the portal only (a message cannot send the person elsewhere).
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.url || self.registration.scope, self.registration.scope);
  const url = target.href.startsWith(self.registration.scope) ? target.href : self.registration.scope;
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      const open = windows.find((w) => w.url === url);
      return open ? open.focus() : self.clients.openWindow(url);
    }),
  );
});
