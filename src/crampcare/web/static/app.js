// crampcare's only script besides htmx. No inline scripts anywhere (the CSP forbids them).
// Everything here is an enhancement: every page works without JavaScript.
(function () {
  "use strict";
  function ready() {
    // The device's time zone: sent once, at sign-up, to become the account's zone. Diary forms never
    // take it silently (they read times in the zone they show); they only point out a difference.
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
    document.querySelectorAll("input[data-tz]").forEach(function (el) { if (!el.value) { el.value = zone; } });
    document.querySelectorAll("[data-zone-note]").forEach(function (el) {
      if (!zone || zone === el.getAttribute("data-zone")) { return; }
      el.querySelectorAll("[data-device-zone]").forEach(function (s) { s.textContent = zone; });
      el.hidden = false;
    });
    document.querySelectorAll("[data-use-device-zone]").forEach(function (el) {
      el.addEventListener("click", function () {
        var input = document.getElementById("timezone");
        if (input && zone) { input.value = zone; input.focus(); }
      });
    });
    document.querySelectorAll("input[data-tz-offset]").forEach(function (el) {
      el.value = String(-new Date().getTimezoneOffset());
    });
    // "Undo" after a quick log is offered for a few seconds only.
    document.querySelectorAll("form[data-undo]").forEach(function (form) {
      var seconds = parseInt(form.getAttribute("data-undo"), 10) || 10;
      window.setTimeout(function () { form.hidden = true; }, seconds * 1000);
    });
    // The quick log's "For: calf, left" follows the muscle and side chosen below the buttons.
    document.querySelectorAll("form[data-quick]").forEach(function (form) {
      var summary = form.querySelector("[data-quick-summary]");
      if (!summary) { return; }
      function text(name) {
        var checked = form.querySelector('input[name="' + name + '"]:checked');
        return checked && checked.parentElement ? checked.parentElement.textContent.trim() : "";
      }
      form.addEventListener("change", function () { summary.textContent = text("muscle") + ", " + text("side"); });
    });
    document.querySelectorAll("[data-print]").forEach(function (el) {
      el.hidden = false;
      el.addEventListener("click", function () { window.print(); });
    });
    // Without JavaScript the questionnaire has an "Update the questions" button; with it, htmx
    // refreshes the questions on every change and the button is not needed.
    document.querySelectorAll("[data-js-hide]").forEach(function (el) { el.hidden = true; });
    questionnaireFocus();
  }
  // The questionnaire in steps: htmx replaces the steps after "Next", "Back" or an answer that shows
  // or hides questions. Focus must not fall back to the page: a new step puts it on the step's
  // heading, a changed answer keeps it on the control that changed (every control has an id).
  function questionnaireFocus() {
    var pending = null;
    document.body.addEventListener("htmx:beforeRequest", function (event) {
      var source = event.detail.elt;
      if (!source || !source.closest || !source.closest("form[data-steps]")) { pending = null; return; }
      var active = document.activeElement;
      pending = { step: source.getAttribute("name") === "go", id: active && active.id ? active.id : "" };
    });
    document.body.addEventListener("htmx:afterSettle", function () {
      var box = document.getElementById("questions");
      if (pending === null || !box) { return; }
      var wanted = pending;
      pending = null;
      var target = wanted.step
        ? document.getElementById("step-" + box.getAttribute("data-current-step") + "-heading")
        : document.getElementById(wanted.id);
      if (target && document.activeElement !== target) { target.focus(); }
    });
  }
  // --- the installable app: service worker, and quick logs kept on the phone while offline -------
  function pageToken() {
    var field = document.querySelector('input[name="csrf"]');
    return field ? field.value : "";
  }
  function showQueue() {
    if (!window.ccQueue) { return; }
    window.ccQueue.all().then(function (entries) {
      document.querySelectorAll("[data-queue-count]").forEach(function (el) {
        el.hidden = entries.length === 0;
        el.querySelectorAll("[data-queue-number]").forEach(function (n) { n.textContent = String(entries.length); });
      });
    }).catch(function () { return; });
  }
  function sendQueued() {
    var token = pageToken();
    if (!window.ccQueue || !token) { return; }  // offline, the fetch fails and the logs stay queued
    window.ccQueue.flush(token).then(function (sent) {
      showQueue();
      // On the diary, show the cramps that just arrived.
      if (sent > 0 && document.querySelector("form[data-quick]")) { window.location.replace("/diary?saved=synced"); }
    }).catch(function () { return; });
  }
  function offlinePage() {
    var form = document.querySelector("form[data-offline-quick]");
    if (!form) { return; }
    if (/[?&]queued=1/.test(window.location.search)) {
      document.querySelectorAll("[data-queued-note]").forEach(function (el) { el.hidden = false; });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!window.ccQueue) { return; }
      var picked = function (name) {
        var el = form.querySelector('input[name="' + name + '"]:checked');
        return el ? el.value : "";
      };
      var entry = {
        tapped_at: new Date().toISOString(), muscle: picked("muscle"), side: picked("side"),
        severity: event.submitter ? event.submitter.value : "", tz: ""
      };
      window.ccQueue.add(entry).then(function () {
        document.querySelectorAll("[data-queued-note]").forEach(function (el) { el.hidden = false; });
        showQueue();
      });
    });
    // Back online: the diary page sends what waited (it has the sign-in's CSRF token). The "online"
    // event is not always fired (or fired too early), so the server is also asked every few seconds.
    var leaving = false;
    function backOnline() { if (!leaving) { leaving = true; window.location.href = "/diary"; } }
    window.addEventListener("online", backOnline);
    window.setInterval(function () {
      fetch("/healthz", { cache: "no-store" }).then(function (r) { if (r.ok) { backOnline(); } }).catch(function () { return; });
    }, 3000);
  }
  function installable() {
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/sw.js").catch(function () { return; });
    }
    offlinePage();
    showQueue();
    sendQueued();
    window.addEventListener("online", sendQueued);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", installable); } else { installable(); }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
  document.addEventListener("htmx:afterSwap", ready);
})();
