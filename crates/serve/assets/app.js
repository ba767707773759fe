// iotgate dashboard: live updates. The server sends an event each time it has written what the
// traffic showed; the page's main part is then fetched again and swapped in, unless someone is
// typing in a form on it. No inline script anywhere (the Content-Security-Policy forbids it).
(function () {
  "use strict";
  if (!window.EventSource || !document.getElementById("main")) return;
  var busy = false;
  function refresh() {
    var a = document.activeElement;
    if (busy || (a && (a.tagName === "INPUT" || a.tagName === "SELECT" || a.tagName === "TEXTAREA"))) return;
    busy = true;
    fetch(location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (t) {
        if (!t) return;
        var doc = new DOMParser().parseFromString(t, "text/html");
        var fresh = doc.getElementById("main");
        var main = document.getElementById("main");
        if (fresh && main) main.replaceWith(fresh);
      })
      .catch(function () {})
      .finally(function () { busy = false; });
  }
  // One connection per open page, closed when the page is left: a browser keeps at most six
  // connections to one server, and a page kept in its back-forward cache would otherwise hold
  // its stream open and, a few pages later, leave none for the next navigation.
  var es = null;
  function open() {
    if (es) return;
    es = new EventSource("/events");
    es.addEventListener("changed", refresh);
  }
  function close() {
    if (es) { es.close(); es = null; }
  }
  window.addEventListener("pagehide", close);
  window.addEventListener("pageshow", open);
  open();
})();
