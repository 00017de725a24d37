// crampcare's service worker: the app opens without a connection (the offline page), and a quick log
// made offline waits in IndexedDB (queue.js) until app.js sends it. Personal pages are never cached:
// only the shell below and the offline page, which holds no personal data.
"use strict";
importScripts("/static/queue.js");

// The server fills in a hash of the static files and templates: any change makes a new worker,
// which caches the new shell and drops the old one.
var CACHE = "crampcare-shell-__VERSION__";
var SHELL = [
  "/offline",
  "/static/style.css",
  "/static/app.js",
  "/static/queue.js",
  "/static/htmx.min.js",
  "/static/icons/icon-192.png",
  "/static/icons/icon-512.png",
  "/manifest.webmanifest"
];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

// The tap is stamped here, before the first try, so a retry of the same log has the same start.
function quickLog(request) {
  return request.formData().then(function (form) {
    if (!form.get("tapped_at")) { form.set("tapped_at", new Date().toISOString()); }
    var body = new URLSearchParams();
    form.forEach(function (value, key) { if (typeof value === "string") { body.append(key, value); } });
    return fetch("/diary/quick", { method: "POST", body: body, credentials: "same-origin", redirect: "manual" })
      .catch(function () {
        var entry = {};
        ["tapped_at", "muscle", "side", "severity", "tz"].forEach(function (k) { entry[k] = form.get(k) || ""; });
        return self.ccQueue.add(entry).then(function () { return Response.redirect("/offline?queued=1", 303); });
      });
  });
}

function networkFirst(request) {
  return fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    // Pages ask for /static/style.css?v=<hash>; the shell was cached without it.
    return caches.match(request, { ignoreSearch: true }).then(function (hit) { return hit || Response.error(); });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method === "POST" && url.pathname === "/diary/quick") {
    event.respondWith(quickLog(request));
  } else if (request.method === "GET" && request.mode === "navigate") {
    event.respondWith(fetch(request).catch(function () { return caches.match("/offline"); }));
  } else if (request.method === "GET" && (url.pathname.indexOf("/static/") === 0 || url.pathname === "/manifest.webmanifest")) {
    event.respondWith(networkFirst(request));
  }
});

// Reminders (views/reminders.py): the server's message is JSON with a title, a body and a same-site
// link; a click opens that page (the diary's evening log or tonight's experiment).
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  var title = data.title || "crampcare";
  event.waitUntil(self.registration.showNotification(title, {
    body: data.body || "",
    tag: data.tag || "crampcare",
    icon: "/static/icons/icon-192.png",
    data: { url: data.url || "/diary" }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = new URL((event.notification.data && event.notification.data.url) || "/diary", self.location.origin);
  if (target.origin !== self.location.origin) { target = new URL("/diary", self.location.origin); }
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (list) {
    for (var i = 0; i < list.length; i++) {
      if (new URL(list[i].url).origin === self.location.origin && "focus" in list[i]) {
        return list[i].navigate(target.href).then(function (c) { return c ? c.focus() : null; });
      }
    }
    return self.clients.openWindow(target.href);
  }));
});
