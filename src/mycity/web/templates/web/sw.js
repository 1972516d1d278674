// mycity's service worker (rendered by mycity.web.pwa.service_worker).
// The app shell comes from the cache; public pages from the network, with the last copy
// seen kept for when there is none, and the offline page for pages never seen.
// Nothing personal is kept: no page under NOT_KEPT (the resident's own pages among
// them), no answer marked no-store (every answer to a signed-in resident is); of a
// public page seen signed in, an anonymous copy fetched without cookies.
"use strict";
const SHELL = "shell-" + {{ version|safe }};
// "pages" of older workers may hold personal pages: the activation drops it.
const PAGES = "public-pages";
// The console's field page and its files, kept by the executor's phone for work without
// a connection (console/field.js); it holds no appeal, and sign-out drops it.
const FIELD = "field-shell";
const ANONYMOUS_COPY_AGE_MS = 60 * 60 * 1000;
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
        names.filter((name) => name !== SHELL && name !== PAGES && name !== FIELD)
          .map((name) => caches.delete(name))
      ))
      .then(() => self.clients.claim())
  );
});

function kept(url) {
  return !NOT_KEPT.some((prefix) => url.pathname.startsWith(prefix));
}

function storable(response) {
  const control = (response.headers.get("Cache-Control") || "").toLowerCase();
  return response.ok && response.type === "basic" && !control.includes("no-store")
    && !control.includes("private");
}

// A public page answered to a signed-in resident is no-store: keep what anyone would
// see instead, fetched without cookies, at most once an hour per page.
function keepAnonymousCopy(request) {
  return caches.open(PAGES).then((cache) => cache.match(request, { ignoreVary: true })
    .then((seen) => {
      const date = seen && Date.parse(seen.headers.get("Date") || "");
      if (date && Date.now() - date < ANONYMOUS_COPY_AGE_MS) return undefined;
      return fetch(request.url, { credentials: "omit", redirect: "follow" }).then((response) => {
        if (storable(response) && new URL(response.url).pathname === new URL(request.url).pathname) {
          return cache.put(request, response);
        }
        return undefined;
      });
    })).catch(() => undefined);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (kept(url) && storable(response)) {
            const copy = response.clone();
            caches.open(PAGES).then((cache) => cache.put(request, copy));
          } else if (kept(url) && response.ok) {
            event.waitUntil(keepAnonymousCopy(request));
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
        if (storable(response)) {
          const copy = response.clone();
          caches.open(SHELL).then((cache) => cache.put(request, copy));
        }
        return response;
      }))
    );
  }
});

// A resident who signs out on a shared phone leaves no pages behind (there should be
// none of theirs; the public copies go too, to be safe).
self.addEventListener("message", (event) => {
  if (event.data === "forget-pages") {
    event.waitUntil(Promise.all([caches.delete(PAGES), caches.delete(FIELD)]));
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
