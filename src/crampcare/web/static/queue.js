// crampcare's queue of quick logs made offline, kept in IndexedDB until the connection returns.
// Loaded by the pages (before app.js) and by the service worker (importScripts), so both use the
// same store. Each entry keeps the moment of the tap: a resent log carries the same start, and the
// server refuses a second episode with the same start, muscle and side, so nothing is ever doubled.
(function (scope) {
  "use strict";
  var NAME = "crampcare", STORE = "quick-logs";

  function open() {
    return new Promise(function (resolve, reject) {
      var request = scope.indexedDB.open(NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var request = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(request.result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  scope.ccQueue = {
    add: function (entry) { return run("readwrite", function (s) { return s.add(entry); }); },
    all: function () { return run("readonly", function (s) { return s.getAll(); }); },
    remove: function (id) { return run("readwrite", function (s) { return s.delete(id); }); },
    // Send every waiting log with the page's CSRF token; resolves to the number now in the diary.
    // 201 saved, 409 already there (an earlier try arrived), 422 never savable: all leave the queue;
    // anything else (offline, signed out) keeps it for the next try.
    flush: function (token) {
      var sent = 0;
      return scope.ccQueue.all().then(function (entries) {
        return entries.reduce(function (previous, entry) {
          return previous.then(function () {
            var body = new URLSearchParams();
            ["tapped_at", "muscle", "side", "severity", "tz"].forEach(function (k) { body.append(k, entry[k] || ""); });
            return fetch("/diary/quick/replay", {
              method: "POST", body: body, credentials: "same-origin", redirect: "manual",
              headers: { "X-CSRF-Token": token }
            }).then(function (response) {
              if (response.status === 201 || response.status === 409 || response.status === 422) {
                if (response.status !== 422) { sent += 1; }
                return scope.ccQueue.remove(entry.id);
              }
            });
          });
        }, Promise.resolve());
      }).then(function () { return sent; });
    }
  };
})(self);
