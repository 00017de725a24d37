// Reminders on the account page: subscribe this browser to Web Push with the server's VAPID public key
// and send the subscription to the server (views/reminders.py). Every message shown comes from the
// page (translated there); where push cannot work, the page says so plainly instead of a dead button.
"use strict";
(function () {
  var box = document.querySelector("[data-push]");
  if (!box) { return; }
  var statusLine = box.querySelector("[data-push-status]");
  var onButton = box.querySelector("[data-push-on]");
  var offButton = box.querySelector("[data-push-off]");
  var csrfField = document.querySelector('input[name="csrf"]');
  var key = box.getAttribute("data-key");

  function say(name) { statusLine.textContent = box.getAttribute("data-msg-" + name); }
  function show(subscribed) { onButton.hidden = subscribed; offButton.hidden = !subscribed; }

  // The applicationServerKey as bytes (it is given in base64url, as RFC 8292 writes it).
  function keyBytes(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    b64 += "===".slice((b64.length + 3) % 4);
    var raw = atob(b64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  function post(url, fields) {
    var body = new URLSearchParams(fields);
    body.set("csrf", csrfField ? csrfField.value : "");
    return fetch(url, { method: "POST", body: body, credentials: "same-origin" }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) { throw new Error(data.message || "failed"); }
        return data;
      });
    });
  }

  // A browser (or policy) that refuses service workers answers register() without a registration:
  // then "ready" would wait forever, and the person would see nothing happen.
  function registration() {
    return navigator.serviceWorker.register("/sw.js").then(function (reg) {
      if (!reg) { throw new Error("no service worker"); }
      return navigator.serviceWorker.ready;
    });
  }

  if (!key) { say("server"); return; }
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say("unsupported");
    return;
  }
  if (Notification.permission === "denied") { say("denied"); show(false); }

  registration().then(function (reg) { return reg.pushManager.getSubscription(); }).then(function (sub) {
    if (Notification.permission !== "denied") { say(sub ? "on" : "off"); }
    show(Boolean(sub));
  }).catch(function () { say("unsupported"); onButton.hidden = true; offButton.hidden = true; });

  onButton.addEventListener("click", function () {
    say("busy");
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") { say("denied"); return null; }
      return registration().then(function (reg) {
        return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) })
          .catch(function () { say("failed"); return null; });
      }).then(function (sub) {
        if (!sub) { return null; }
        var json = sub.toJSON();
        return post("/reminders/subscription", {
          endpoint: json.endpoint, p256dh: json.keys.p256dh, auth: json.keys.auth
        }).then(function (data) { statusLine.textContent = data.message; show(true); }, function (err) {
          statusLine.textContent = err.message;
          return sub.unsubscribe();
        });
      });
    }).catch(function () { say("failed"); });
  });

  offButton.addEventListener("click", function () {
    say("busy");
    registration().then(function (reg) { return reg.pushManager.getSubscription(); }).then(function (sub) {
      if (!sub) { say("off"); show(false); return null; }
      var endpoint = sub.endpoint;
      return sub.unsubscribe().then(function () {
        return post("/reminders/subscription/delete", { endpoint: endpoint });
      }).then(function () { say("off"); show(false); });
    }).catch(function () { say("failed"); });
  });
})();
