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

  /* The early forms (pages/templates/early.html.j2): the timeline's own dates and downloads,
     the candidacy explorer. What the patient enters is posted, as JSON, to the server
     (serving/http/early.py), which answers with the same words and files as the live widget;
     nothing is kept in the address or on the device. A form the patient has touched stays
     (data-ce-used): textfirst.js hands only an untouched tool to the live widget. */
  var me = document.currentScript && document.currentScript.src;
  var BASE = me ? me.replace(/voila\/templates\/.*$/, '') : '/';
  var FORM = '.ce-early-form';

  function rootOf(form) { return form.closest('.ce-early') || form; }  // the tool's whole stand-in
  function slot(form, name) {
    return rootOf(form).querySelector('[data-ce-slot="' + name + '"]');
  }
  function fill(form, name, html) {
    var el = slot(form, name);
    if (el) { el.innerHTML = html || ''; }
  }
  function mark(form) { rootOf(form).dataset.ceUsed = '1'; }
  function state(form, what) {
    var body = { lang: form.dataset.ceLang || '', do: what };
    if (form.dataset.ceTool === 'timeline') {
      body.date = form.elements.date.value;
      body.time = form.elements.time.value;
      body.had = form.dataset.cePersonal === '1';  // a cleared date gets its own words
      return body;
    }
    body.page = form.dataset.cePage || '';
    body.concerns = []; body.areas = []; body.replies = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.type === 'checkbox' && el.checked) { body[el.name].push(el.value); }
      if (el.type === 'radio' && el.checked) { body.replies[el.name.replace(/^q-/, '')] = el.value; }
    });
    if (what === 'list') { body.notes = form.elements.notes.value; }
    return body;
  }
  function ask(form, what, then) {
    var seq = (form.ceSeq = (form.ceSeq || 0) + 1);
    var failed = function () {  // the words the form carries (no server, no answer)
      var words = form.querySelector('template.ce-early-error');
      fill(form, 'message', words ? words.innerHTML : '');
    };
    return fetch(BASE + 'clinic-early/' + form.dataset.ceTool, {
      // high: ahead of the widget client's hundred-odd files still loading on a slow phone
      method: 'POST', credentials: 'same-origin', cache: 'no-store', priority: 'high',
      headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(state(form, what))
    }).then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
      .then(function (res) {
        if (seq !== form.ceSeq && what === 'show') { return; }  // a later change is on its way
        if (!res.ok) {
          fill(form, 'message', res.data && res.data.message);
          if (!(res.data && res.data.message)) { failed(); }
          return;
        }
        fill(form, 'message', res.data.message || '');
        then(res.data);
      })
      .catch(failed);
  }
  function moveSlider(form, index) {
    var root = form.closest('.ce-early');
    var input = root && root.querySelector(SLIDER);
    if (!input) { return; }
    input.value = String(index);
    show(input);
  }
  function showTimeline(form) {
    ask(form, 'show', function (data) {
      form.dataset.cePersonal = data.personal ? '1' : '';
      fill(form, 'status', data.status);
      fill(form, 'dates', data.dates);
      fill(form, 'calendar', ''); fill(form, 'handout', '');
      form.querySelector('[data-ce-do="calendar"]').disabled = !(data.personal && data.calendar);
      form.querySelector('[data-ce-do="handout"]').disabled = !data.personal;
      moveSlider(form, data.index || 0);
    });
  }
  function showCandidacy(form) {
    fill(form, 'file', '');
    ask(form, 'show', function (data) { fill(form, 'result', data.result); });
  }
  function changed(event) {
    var form = event.target && event.target.closest && event.target.closest(FORM);
    if (!form) { return; }
    mark(form);
    if (event.type !== 'change' || event.target.name === 'notes') { return; }
    if (form.dataset.ceTool === 'timeline') { showTimeline(form); } else { showCandidacy(form); }
  }
  document.addEventListener('change', changed);
  document.addEventListener('input', changed);
  document.addEventListener('focusin', function (event) {
    var form = event.target && event.target.closest && event.target.closest(FORM);
    if (form) { mark(form); }
  });
  document.addEventListener('click', function (event) {
    var button = event.target && event.target.closest && event.target.closest(FORM + ' [data-ce-do]');
    if (!button || button.disabled) { return; }
    var form = button.closest(FORM), what = button.dataset.ceDo;
    var target = what === 'list' ? 'file' : what;
    mark(form);
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    ask(form, what, function (data) { fill(form, target, data.file); }).then(function () {
      button.disabled = false;  // free again once the answer is in (or failed)
      button.removeAttribute('aria-busy');
    });
  });
  document.addEventListener('submit', function (event) {
    if (event.target.closest && event.target.closest(FORM)) { event.preventDefault(); }
  });
  document.documentElement.dataset.ceEarly = 'ready';  // the benchmark and tests look for it
})();
