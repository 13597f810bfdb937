/* Text first (index.html.j2): the server-rendered page is readable at once. When Voila's
   widget client renders an output, it appends the live output next to the server-rendered
   box (.ce-pre), hidden by textfirst.css; this script removes the box once the live output
   has rendered (a widget: once its height has settled), so the live one takes its place.
   A tool the patient has already used before the widget client came (an early form, early.js)
   keeps its box: it works on its own, and the patient's entries stay where they are.
   When every other box is gone and every output rendered, <html data-ce-ready="true"> is set
   (the browser tests and benchmarks wait for it). */
(function () {
  'use strict';
  var root = document.documentElement;
  var OUTPUT_JSON = 'script[type="application/vnd.voila.cell-output+json"]';
  var SETTLE_MS = 150;
  var timer = null;

  function liveTwin(pre) {
    var parent = pre.parentElement;
    return parent && parent.querySelector(':scope > .jp-OutputArea-output');
  }

  function rendered(pre, live) {
    if (!pre.classList.contains('ce-pre-widget')) { return live.childNodes.length > 0 || !pre.firstChild; }
    if (!live.querySelector('.ce-widget, .jupyter-widgets') || live.offsetHeight < 10) { return false; }
    var h = live.offsetHeight, now = performance.now();
    if (live.ceHeight !== h) { live.ceHeight = h; live.ceSince = now; }
    return now - live.ceSince >= SETTLE_MS;
  }

  // A slider that worked before the widget client (early.js): the live one takes over at
  // the stop the patient chose, with the keyboard focus if it had it.
  function chosenStop(pre) {
    var input = pre.querySelector('.ce-early input[type="range"]');
    if (!input) { return null; }
    var active = document.activeElement;
    var lost = !active || active === document.body;  // moved into the panel: focus dropped (early.js)
    return { index: parseInt(input.value, 10) || 0,
             focused: active === input || (lost && input.dataset.ceFocus === '1') };
  }
  function continueAt(live, early) {
    var handle = live.querySelector('.noUi-handle');
    if (!handle) { return; }
    var press = function (key) {
      handle.dispatchEvent(new KeyboardEvent('keydown', { key: key, bubbles: true, cancelable: true }));
    };
    if (early.index > 0) {
      press('Home');
      for (var i = 0; i < early.index; i++) { press('ArrowRight'); }
    }
    if (early.focused) { handle.focus({ preventScroll: true }); }
  }

  function check() {
    timer = null;
    var waiting = false;
    document.querySelectorAll('.ce-pre').forEach(function (pre) {
      if (pre.querySelector('.ce-early[data-ce-used]')) { return; }  // the patient's own early tool stays (early.js)
      var live = liveTwin(pre);
      if (live && rendered(pre, live)) {
        var early = chosenStop(pre);
        pre.remove();
        if (early) { continueAt(live, early); }
      } else { waiting = true; }
    });
    if (waiting) { schedule(SETTLE_MS); }
    if (!waiting && document.getElementById('ce-cells-done') && !document.querySelector(OUTPUT_JSON)) {
      root.dataset.ceReady = 'true';
    }
  }

  function schedule(ms) {
    if (timer === null) { timer = setTimeout(check, ms || 30); }
  }

  // Voila's client moves #rendered_cells into its own scrolling panel: keep the reader's place.
  var scrolled = 0;
  window.addEventListener('scroll', function () { scrolled = window.scrollY; }, { passive: true });
  function keepPlace() {
    var cells = document.getElementById('rendered_cells');
    if (cells && cells.parentElement !== document.body && !cells.ceMoved) {
      cells.ceMoved = true;
      var target = scrolled;
      requestAnimationFrame(function () {
        if (cells.scrollHeight > cells.clientHeight) { cells.scrollTop = target; } else { window.scrollTo(0, target); }
      });
    }
  }

  new MutationObserver(function () { keepPlace(); schedule(); })
    .observe(document.body, { subtree: true, childList: true });
  check();
})();
