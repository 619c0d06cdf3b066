// warroom web view: progressive enhancement only. Every page works without this file;
// it adds copy buttons for indicators and live timeline updates over Server-Sent Events.
// It never writes HTML from data: text goes in with textContent.
"use strict";

(function () {
  function copyButtons() {
    document.querySelectorAll("button.copy[data-copy]").forEach(function (b) {
      b.hidden = false;
      b.addEventListener("click", function () {
        var text = b.getAttribute("data-copy");
        var done = function () { b.textContent = "Copied"; setTimeout(function () { b.textContent = "Copy"; }, 1500); };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(done, function () { selectFallback(b, done); });
        } else {
          selectFallback(b, done);
        }
      });
    });
  }

  // Over plain http (no secure context) the clipboard API is missing: select the value
  // so Ctrl-C copies it.
  function selectFallback(b, done) {
    var code = b.previousElementSibling;
    if (!code) return;
    var range = document.createRange();
    range.selectNodeContents(code);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    try { if (document.execCommand("copy")) done(); } catch (e) { /* selected; the person copies */ }
  }

  // Entries that change only the timeline; anything else (a phase, a role, a task …)
  // also refreshes the page's other sections.
  var timelineOnly = { note: true, update: true, pin: true, lesson: true };
  var sections = ["card", "integrity", "roles", "phases", "tasks", "checklist", "clocks", "pages", "iocs"];

  function live() {
    var table = document.getElementById("timeline");
    var status = document.getElementById("live");
    if (!table || !window.EventSource) return;
    var url = table.getAttribute("data-events");
    var want = { kind: table.getAttribute("data-kind"), person: table.getAttribute("data-person"), q: (table.getAttribute("data-q") || "").toLowerCase() };
    var body = table.tBodies[0];
    var say = function (text, cls) { status.hidden = false; status.textContent = text; status.className = "live " + (cls || ""); };
    var es = new EventSource(url);
    var refreshing = false;
    es.addEventListener("open", function () { say("Live: new entries appear as they are recorded.", "on"); });
    es.addEventListener("error", function () { say("Live updates interrupted; reconnecting…", "off"); });
    es.addEventListener("reload", function () { location.reload(); });
    es.addEventListener("signedout", function () { es.close(); say("Your session ended; sign in again to see updates.", "off"); });
    es.addEventListener("entry", function (ev) {
      var e = JSON.parse(ev.data);
      if (e.kind === "redaction") { location.reload(); return; }
      if (!timelineOnly[e.kind]) refresh();
      if (document.getElementById("e" + e.seq)) return;
      if (want.kind && e.kind !== want.kind) return;
      if (want.person && e.actor !== want.person) return;
      if (want.q && e.text.toLowerCase().indexOf(want.q) < 0) return;
      var tr = document.createElement("tr");
      tr.id = "e" + e.seq;
      tr.className = "k-" + e.kind + (e.decision ? " decision" : "") + " fresh";
      [[String(e.seq), "n"], [e.when, "t"], [e.actor, ""], [e.kind, "k"], [e.text, "x"]].forEach(function (c) {
        var td = document.createElement("td");
        td.textContent = c[0];
        if (c[1]) td.className = c[1];
        tr.appendChild(td);
      });
      body.appendChild(tr);
      say("Live: entry " + e.seq + " arrived at " + new Date().toLocaleTimeString() + ".", "on");
    });

    // refresh re-reads this page and swaps in its sections (the timeline keeps its rows).
    function refresh() {
      if (refreshing) return;
      refreshing = true;
      setTimeout(function () {
        fetch(location.href, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.text() : null; }).then(function (html) {
          refreshing = false;
          if (!html) return;
          var doc = new DOMParser().parseFromString(html, "text/html");
          sections.forEach(function (id) {
            var now = document.getElementById(id), next = doc.getElementById(id);
            if (now && next) now.replaceWith(document.importNode(next, true));
          });
          copyButtons();
        }, function () { refreshing = false; });
      }, 300);
    }
  }

  document.addEventListener("DOMContentLoaded", function () { copyButtons(); live(); });
})();
