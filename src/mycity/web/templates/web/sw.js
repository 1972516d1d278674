// mycity's service worker (rendered by mycity.web.pwa.service_worker).
// The app shell comes from the cache; pages from the network, with the last copy seen
// kept for when there is none, and the offline page for pages never seen.
"use strict";
const SHELL = "shell-" + {{ version|safe }};
const PAGES = "pages";
const SHELL_FILES = {{ shell|safe }};
const OFFLINE = {{ offline|safe }};
const NOT_KEPT = {{ not_kept|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL).then((cache) => cache.addAll(SHELL_FILES)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith("shell-") && name !== SHELL)
          .map((name) => caches.delete(name))
      ))
      .then(() => self.clients.claim())
  );
});

function kept(url) {
  return !NOT_KEPT.some((prefix) => url.pathname.startsWith(prefix));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok && kept(url)) {
            const copy = response.clone();
            caches.open(PAGES).then((cache) => cache.put(request, copy));
          }
          return response;
        })
        .catch(() => caches.match(request, { ignoreVary: true })
          .then((seen) => seen || caches.match(OFFLINE)))
    );
    return;
  }
  if (SHELL_FILES.includes(url.pathname) || url.pathname.startsWith("/static/")) {
    // Other static files (the map's library, say) are kept once fetched, so the pages
    // seen before work offline as they did; a new shell version drops them.
    event.respondWith(
      caches.match(request).then((hit) => hit || fetch(request).then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(SHELL).then((cache) => cache.put(request, copy));
        }
        return response;
      }))
    );
  }
});

// A resident who signs out on a shared phone leaves no pages of theirs behind.
self.addEventListener("message", (event) => {
  if (event.data === "forget-pages") {
    event.waitUntil(caches.delete(PAGES));
  }
});

// Web Push (mycity.notify.push): show the notification; the same tag replaces a copy
// pushed twice. A tap opens its page in an open window of the app, or a new one.
self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {
    message = { body: event.data ? event.data.text() : "" };
  }
  event.waitUntil(
    self.registration.showNotification(message.title || {{ app_name|safe }}, {
      body: message.body || "",
      tag: message.tag,
      icon: message.icon,
      data: { url: message.url || "/" },
    })
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL(event.notification.data.url, self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((open) => {
      const same = open.find((client) => client.url === url);
      if (same) return same.focus();
      return self.clients.openWindow(url);
    })
  );
});
