/* The slider tools work before the widget client has arrived (early_slider.py). Loaded
   async in <head>, so it runs while the page is still streaming in: it listens on the
   document, and a range input that arrives later works at once. Each step shows that stop's
   readout, spoken value, card, marker and chart description from the data the server put
   in the page; nothing is asked of the kernel. textfirst.js hands the stop to the live
   widget when it takes this one's place. */
(function () {
  'use strict';
  var TOKEN = '@@position@@';

  function parse(el, attr) {
    if (!el) { return []; }
    var key = '__ce_' + attr;
    if (!el[key]) {
      try { el[key] = JSON.parse(el.getAttribute(attr)); } catch (e) { el[key] = []; }
    }
    return el[key];
  }

  function show(input) {
    var root = input.closest('.ce-early');
    if (!root) { return; }
    var readout = root.querySelector('.ce-readout[data-ce-stops]');
    var stops = parse(readout, 'data-ce-stops');
    var cards = parse(root, 'data-ce-cards');
    var i = Math.max(0, Math.min(stops.length - 1, parseInt(input.value, 10) || 0));
    var stop = stops[i];
    if (!stop) { return; }
    input.setAttribute('aria-valuetext', stop.v);
    if (readout) { readout.textContent = stop.v; }
    var card = root.querySelector('.ce-early-card');
    if (card && cards[i] !== undefined) { card.innerHTML = cards[i]; }
    var layer = root.querySelector('.ce-marker-layer');
    if (layer && stop.x !== undefined) {
      var left = (stop.x * 100).toFixed(2) + '%';
      var line = layer.querySelector('.ce-marker-line');
      var tag = layer.querySelector('.ce-marker-label');
      if (line) { line.style.left = left; }
      if (tag) { tag.style.left = left; tag.className = 'ce-marker-label ce-marker-' + stop.align; }
      var img = root.querySelector('.ce-chart-stage img');
      var alt = layer.getAttribute('data-ce-alt');
      if (img && alt) { img.setAttribute('alt', alt.replace(TOKEN, stop.p || '')); }
    }
  }

  document.addEventListener('input', function (event) {
    var input = event.target;
    if (input && input.matches && input.matches(SLIDER)) { show(input); }
  });
  // Remember which control had the focus: when the widget client moves the page into its
  // panel, the browser drops the focus to <body>, and the live slider should get it back.
  var SLIDER = '.ce-early input[type="range"]';
  document.addEventListener('focusin', function (event) {
    var on = event.target && event.target.matches && event.target.matches(SLIDER);
    document.querySelectorAll(SLIDER).forEach(function (input) {
      if (input === event.target && on) { input.dataset.ceFocus = '1'; } else { delete input.dataset.ceFocus; }
    });
  });
  document.documentElement.dataset.ceEarly = 'ready';  // the benchmark and tests look for it
})();
