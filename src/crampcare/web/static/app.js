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
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
  document.addEventListener("htmx:afterSwap", ready);
})();
