/* atlaxis check-in service worker (scope /checkin): lets a patient open the check-in page while
   the phone is offline. It keeps only the check-in page itself (the signed-in patient's own
   page, network first) and the static files it uses (fingerprinted, cache first). It never
   keeps API answers or any other page, and never touches POST requests: entries made offline
   wait in the page's own queue (checkin.js) and are sent with idempotency keys.
   The cache is deleted when the patient signs out (signedout.js on the sign-in page). */
"use strict";
var CACHE = "atlaxis-checkin-v1";
var SHELL = "/checkin";

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) {
      return n.indexOf("atlaxis-checkin-") === 0 && n !== CACHE;
    }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function sameOrigin(url) { return url.origin === self.location.origin; }
function isShell(url) { return url.pathname === SHELL; }
function isStatic(url) { return url.pathname.indexOf("/static/") === 0 && url.search.indexOf("v=") >= 0; }
/* only a plain successful page of our own is kept (never a redirect to /login, never an error) */
function keepable(res) { return res && res.ok && res.type === "basic" && !res.redirected; }

function shellFirstFromNetwork(request) {
  return fetch(request).then(function (res) {
    if (keepable(res)) {
      var copy = res.clone();
      caches.open(CACHE).then(function (c) { return c.put(SHELL, copy); });
    }
    return res;
  }, function () {
    return caches.open(CACHE).then(function (c) { return c.match(SHELL); }).then(function (hit) {
      return hit || Response.error();
    });
  });
}

function staticFromCache(request) {
  return caches.open(CACHE).then(function (c) {
    return c.match(request).then(function (hit) {
      if (hit) { return hit; }
      return fetch(request).then(function (res) {
        if (keepable(res)) { c.put(request, res.clone()); }
        return res;
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (request.method !== "GET" || !sameOrigin(url)) { return; }
  if (request.mode === "navigate" && isShell(url)) { event.respondWith(shellFirstFromNetwork(request)); return; }
  if (isStatic(url)) { event.respondWith(staticFromCache(request)); }
  /* anything else (API, other pages, /checkin/entries) goes to the network untouched */
});

/* The page asks, once registered, to keep the shell and its (fingerprinted) assets; static
   files it no longer uses are dropped. Answers {ok: true} on the given port. */
self.addEventListener("message", function (event) {
  var data = event.data || {}, port = event.ports && event.ports[0];
  if (data.type !== "shell" || !Array.isArray(data.assets)) { return; }
  var wanted = data.assets.map(function (a) { return new URL(a, self.location.origin); })
    .filter(function (u) { return sameOrigin(u) && isStatic(u); }).map(function (u) { return u.href; });
  event.waitUntil(caches.open(CACHE).then(function (c) {
    return c.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) {
        var u = new URL(k.url);
        return isStatic(u) && wanted.indexOf(u.href) < 0;
      }).map(function (k) { return c.delete(k); }));
    }).then(function () {
      return Promise.all(wanted.map(function (href) {
        return c.match(href).then(function (hit) {
          return hit || fetch(href).then(function (res) { if (keepable(res)) { return c.put(href, res); } });
        });
      }));
    }).then(function () {
      return c.match(SHELL).then(function (hit) {
        if (hit) { return; }
        return fetch(SHELL, { credentials: "same-origin", redirect: "manual" }).then(function (res) {
          if (keepable(res)) { return c.put(SHELL, res); }
        });
      });
    });
  }).then(function () { if (port) { port.postMessage({ ok: true }); } },
          function () { if (port) { port.postMessage({ ok: false }); } }));
});
