/* When the page's kernel is gone (closed by the server, culled after a long pause, crashed,
   server restarted), say so in words, switch the widgets off and offer to continue (reload),
   so the advice on screen is never stale without a word. Loaded in <head>, before voila.js
   opens the kernel's websocket: it watches every kernel-channel socket the page opens.
   Every word it shows comes from content/ through /clinic-notice.json (serving/http/assets.py),
   fetched when the page loads (the server may be gone by the time they are needed) and again
   at that moment if the first fetch failed; without them the notice is the reload button alone. */
(function () {
  "use strict";
  var NativeWebSocket = window.WebSocket;
  if (!NativeWebSocket || window.ceKernelWatch) { return; }
  var me = document.currentScript && document.currentScript.src;
  var base = me ? me.replace(/clinic-static\/kernel-watch\.js.*$/, "") : "/";
  var CHANNELS = /\/api\/kernels\/[^/?]+\/channels/;
  var GRACE_MS = 1500;  /* the widget client reconnects within about a second after a blip */
  var DEAD = /"execution_state":\s*"(restarting|dead)"/;
  var decoder = window.TextDecoder ? new TextDecoder() : null;
  var words = null;
  var RELOAD_SIGN = "\u21bb";  /* the button's face when no words could be fetched */
  var state = { open: 0, everOpened: false, shown: false, leaving: false, timer: null };

  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = base + "clinic-static/notice.css";
  document.head.appendChild(css);
  function fetchWords(then) {
    fetch(base + "clinic-notice.json", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (w) { if (w) { words = w; } })
      .catch(function () { /* no words: the server is gone */ })
      .then(function () { if (then) { then(); } });
  }
  fetchWords();
  window.addEventListener("pagehide", function () { state.leaving = true; });
  window.addEventListener("beforeunload", function () { state.leaving = true; });

  function disableWidgets() {
    document.body.classList.add("ce-kernel-gone");
    var controls = document.querySelectorAll(
      "#rendered_cells input, #rendered_cells button, #rendered_cells select, #rendered_cells textarea, " +
      "#rendered_cells [tabindex], #rendered_cells [role=slider]");
    for (var i = 0; i < controls.length; i++) {
      var el = controls[i];
      if ("disabled" in el) { el.disabled = true; }
      el.setAttribute("aria-disabled", "true");
      el.setAttribute("tabindex", "-1");
    }
  }

  function show() {
    state.timer = null;
    if (state.shown || state.leaving || state.open > 0 || !document.body) { return; }
    state.shown = true;
    disableWidgets();
    if (words) { render(); } else { fetchWords(render); }
  }

  function render() {
    var w = words || {};
    var box = document.createElement("div");
    box.className = "ce-paused";
    box.id = "ce-paused";
    box.setAttribute("role", "alert");
    [w.paused, w.call_us].forEach(function (text) {
      if (!text) { return; }
      var p = document.createElement("p");
      p.textContent = text;
      box.appendChild(p);
    });
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = w["continue"] || RELOAD_SIGN;
    button.addEventListener("click", function () { window.location.reload(); });
    box.appendChild(button);
    document.body.appendChild(box);
    button.focus();
    /* widgets still being drawn get switched off too */
    var again = 0, timer = window.setInterval(function () {
      disableWidgets();
      if (++again >= 5) { window.clearInterval(timer); }
    }, 1000);
  }

  function later() {
    if (!state.timer && !state.shown) { state.timer = window.setTimeout(show, GRACE_MS); }
  }

  function WatchedWebSocket(url, protocols) {
    var ws = protocols === undefined ? new NativeWebSocket(url) : new NativeWebSocket(url, protocols);
    if (CHANNELS.test(String(url))) {
      var opened = false;
      ws.addEventListener("open", function () { opened = true; state.open += 1; state.everOpened = true; });
      ws.addEventListener("message", function (ev) {
        /* a kernel restarted empty or dead: its widgets no longer answer (small status frames only) */
        var data = ev.data;
        if (typeof data !== "string" && decoder && data && data.byteLength < 2048) { data = decoder.decode(data); }
        if (typeof data === "string" && data.length < 2048 && DEAD.test(data)) {
          state.open = 0;
          show();
        }
      });
      ws.addEventListener("close", function () {
        if (opened) { state.open -= 1; }
        if (state.open === 0) { later(); }
      });
    }
    return ws;
  }
  WatchedWebSocket.prototype = NativeWebSocket.prototype;
  ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach(function (k) { WatchedWebSocket[k] = NativeWebSocket[k]; });
  window.WebSocket = WatchedWebSocket;
  window.ceKernelWatch = state;
}());
