/* Reading aids of the patient pages (Voila), from the device itself: nothing is downloaded,
   nothing is sent to a server.
   - Larger text: a button in the banner makes the page's text larger (<html class
     "ce-larger-text", style.css). The choice is kept on this device only (localStorage
     "ce-text-size"), and this script, loaded in <head> without defer, applies it before the
     first paint of the next page.
   - Listen: a button under each FAQ answer's question reads the answer aloud with the
     browser's own voice (speechSynthesis), each part in the language it is written in (the
     lang of the nearest element that has one: an answer can stand in English on a Spanish
     page). Pressing it again, or another answer's button, stops it. No speechSynthesis, no
     button.
   The words come from the page (content/locales `reader`, on the header's data-ce-listen,
   data-ce-stop and data-ce-larger). The buttons are added as the page streams in, and again
   to the live copy of each output when the widget client replaces the server's (textfirst.js). */
(function () {
  'use strict';
  if (window.__ceReader) { return; }
  window.__ceReader = true;
  var root = document.documentElement;
  var KEY = 'ce-text-size';
  var LARGER = 'ce-larger-text';

  // --- larger text: first, before anything is painted -------------------------------------
  function remembered() {
    try { return window.localStorage.getItem(KEY) === 'larger'; } catch (e) { return false; }
  }
  function remember(on) {
    try {
      if (on) { window.localStorage.setItem(KEY, 'larger'); } else { window.localStorage.removeItem(KEY); }
    } catch (e) { /* storage refused (private mode): larger for this page only */ }
  }
  if (remembered()) { root.classList.add(LARGER); }

  var synth = null;
  try {
    if (window.speechSynthesis && typeof window.speechSynthesis.speak === 'function' &&
        typeof window.SpeechSynthesisUtterance === 'function') {
      synth = window.speechSynthesis;
    }
  } catch (e) { synth = null; }

  function words() {
    var el = document.querySelector('[data-ce-listen]');
    return el && { listen: el.getAttribute('data-ce-listen'), stop: el.getAttribute('data-ce-stop'),
                   larger: el.getAttribute('data-ce-larger') };
  }

  function larger() { return root.classList.contains(LARGER); }

  function setLarger(on, button) {
    // the page reflows: keep the button where the patient's finger is (unless at the top)
    var cells = document.getElementById('rendered_cells');
    var inner = cells && cells.scrollHeight > cells.clientHeight;
    var scrolled = inner ? cells.scrollTop > 0 : window.scrollY > 0;
    var before = button ? button.getBoundingClientRect().top : 0;
    root.classList.toggle(LARGER, on);
    remember(on);
    document.querySelectorAll('.ce-larger-button').forEach(function (b) {
      b.setAttribute('aria-pressed', on ? 'true' : 'false');
    });
    if (button && scrolled) {
      var delta = button.getBoundingClientRect().top - before;
      if (inner) { cells.scrollTop += delta; } else { window.scrollBy(0, delta); }
    }
  }

  function addLarger(w) {
    document.querySelectorAll('.ce-banner').forEach(function (banner) {
      if (banner.querySelector('.ce-larger-button')) { return; }
      var b = document.createElement('button');
      b.type = 'button';
      b.className = 'ce-aid ce-larger-button';
      b.textContent = w.larger;
      b.setAttribute('aria-pressed', larger() ? 'true' : 'false');
      (banner.querySelector('.ce-banner-links') || banner).appendChild(b);
    });
  }

  // --- read aloud -------------------------------------------------------------------------
  var BLOCKS = 'p, li, h1, h2, h3, h4, h5, h6, dt, dd, td, th, blockquote, figcaption, pre';
  // not read: the buttons, draft marks, the "In short" label, the studies beside the answer,
  // and whatever the page hides from everyone (the "full answer" label is no block: not read)
  var SKIP = '.ce-aid, .ce-draft, .ce-studies, .ce-inshort > h3, .ce-inshort > h4, .ce-inshort > h5, ' +
             '[aria-hidden="true"], [hidden], script, style';
  var speaking = null;  // {id, utterances}: the answer being read

  function langOf(el) {
    var holder = el.closest('[lang]');
    return (holder && holder.getAttribute('lang')) || root.getAttribute('lang') || '';
  }

  function ownText(block) {
    var copy = block.cloneNode(true);
    copy.querySelectorAll(BLOCKS + ', ' + SKIP).forEach(function (e) { e.remove(); });
    return copy.textContent.replace(/\s+/g, ' ').trim();
  }

  // Pieces of about two sentences: some browsers stop a long utterance after ~15 seconds.
  function pieces(text) {
    var sentences = text.match(/[^.!?]+[.!?]+["'”»)\]]*\s*|[^.!?]+$/g) || [text];
    var out = [], cur = '';
    sentences.forEach(function (s) {
      if (cur && (cur + s).length > 220) { out.push(cur.trim()); cur = ''; }
      cur += s;
    });
    if (cur.trim()) { out.push(cur.trim()); }
    return out;
  }

  // (text, lang) of the answer in reading order: the question, the plain version, the
  // clinic's full answer (or the answer's text where there is no plain version)
  function parts(section) {
    var out = [];
    section.querySelectorAll(BLOCKS).forEach(function (block) {
      if (block.closest(SKIP)) { return; }
      var text = ownText(block);
      if (!text) { return; }
      var lang = langOf(block);
      pieces(text).forEach(function (piece) { out.push({ text: piece, lang: lang }); });
    });
    return out;
  }

  function voiceFor(lang) {
    if (!lang || typeof synth.getVoices !== 'function') { return null; }
    var want = lang.toLowerCase(), base = want.split('-')[0];
    var voices = synth.getVoices() || [], exact = null, near = null;
    for (var i = 0; i < voices.length; i++) {
      var v = (voices[i].lang || '').toLowerCase().replace('_', '-');
      if (v === want && (!exact || voices[i].default)) { exact = voices[i]; }
      if (v.split('-')[0] === base && (!near || voices[i].default)) { near = voices[i]; }
    }
    return exact || near;
  }

  // a loudspeaker, or a square while it reads (drawn: no icon font, no download)
  var SVG = 'http://www.w3.org/2000/svg';
  var SPEAKER = 'M3 9v6h4l5 5V4L7 9H3zm13.5 3c0-1.77-1.02-3.29-2.5-4.03v8.05c1.48-.73 2.5-2.25 2.5-4.02z' +
                'M14 3.23v2.06c2.89.86 5 3.54 5 6.71s-2.11 5.85-5 6.71v2.06c4.01-.91 7-4.49 7-8.77s-2.99-7.86-7-8.77z';
  var SQUARE = 'M6 6h12v12H6z';
  // The button's name says what it does ("Listen", "Stop"): no aria-pressed besides (a toggle
  // whose name changes is announced as "Stop, pressed")
  function paint(b, on, w) {
    b.setAttribute('data-ce-reading', on ? 'true' : 'false');
    var path = b.querySelector('path'), label = b.querySelector('span');
    if (!path) {
      var svg = document.createElementNS(SVG, 'svg');
      svg.setAttribute('viewBox', '0 0 24 24');
      svg.setAttribute('aria-hidden', 'true');
      svg.setAttribute('focusable', 'false');
      svg.setAttribute('class', 'ce-aid-icon');
      path = document.createElementNS(SVG, 'path');
      svg.appendChild(path);
      label = document.createElement('span');
      b.appendChild(svg);
      b.appendChild(label);
    }
    var d = on ? SQUARE : SPEAKER, text = on ? w.stop : w.listen;
    if (path.getAttribute('d') !== d) { path.setAttribute('d', d); }
    if (label.textContent !== text) { label.textContent = text; }
  }

  function showState() {
    var w = words();
    if (!w) { return; }
    document.querySelectorAll('.ce-listen').forEach(function (b) {
      paint(b, !!speaking && b.getAttribute('data-ce-for') === speaking.id, w);
    });
  }

  function stop() {
    speaking = null;
    try { synth.cancel(); } catch (e) { /* nothing to stop */ }
    showState();
  }

  function listen(section) {
    if (synth.speaking || synth.pending) { try { synth.cancel(); } catch (e) { /* ignore */ } }
    var session = { id: section.id, utterances: [] };
    parts(section).forEach(function (part) {
      var u = new window.SpeechSynthesisUtterance(part.text);
      u.lang = part.lang;
      var voice = voiceFor(part.lang);
      if (voice) { u.voice = voice; }
      session.utterances.push(u);  // kept: an utterance collected early never says it ended
    });
    if (!session.utterances.length) { return; }
    var last = session.utterances[session.utterances.length - 1];
    var done = function () { if (speaking === session) { speaking = null; showState(); } };
    last.onend = done;
    session.utterances.forEach(function (u) {
      u.onerror = function (event) {
        if (event && (event.error === 'interrupted' || event.error === 'canceled')) { return; }
        done();
      };
    });
    speaking = session;
    showState();
    session.utterances.forEach(function (u) { synth.speak(u); });
  }

  function addListen(w) {
    document.querySelectorAll('section.ce-faq[id]').forEach(function (section) {
      if (section.querySelector('.ce-listen')) { return; }
      var heading = section.querySelector(':scope > h2, :scope > h3, :scope > h4');
      // a folded answer (its question is the summary of a <details>): first thing inside it
      var folded = !heading && section.querySelector(':scope > details > summary > :is(h2, h3, h4)');
      var inside = folded && folded.closest('details').querySelector(':scope > .ce-full-text');
      var b = document.createElement('button');
      b.type = 'button';
      b.className = 'ce-aid ce-listen';
      b.setAttribute('data-ce-for', section.id);
      paint(b, !!speaking && speaking.id === section.id, w);
      var question = heading || folded;
      if (question) {
        if (!question.id) { question.id = section.id + '-question'; }
        b.setAttribute('aria-describedby', question.id);
      }
      if (heading) {
        heading.insertAdjacentElement('afterend', b);
      } else if (inside) {
        inside.insertBefore(b, inside.firstChild);
      } else {
        section.insertBefore(b, section.firstChild);
      }
    });
  }

  document.addEventListener('click', function (event) {
    var b = event.target.closest && event.target.closest('.ce-aid');
    if (!b) { return; }
    if (b.classList.contains('ce-larger-button')) {
      setLarger(!larger(), b);
    } else if (b.classList.contains('ce-listen') && synth) {
      var id = b.getAttribute('data-ce-for');
      var section = b.closest('section.ce-faq');
      if (speaking && speaking.id === id) { stop(); } else if (section) { listen(section); }
    }
  });
  // leaving the page (or the language switch) ends the reading
  window.addEventListener('pagehide', function () { if (speaking) { stop(); } });

  // --- the buttons, as the page streams in and whenever an output is drawn again -----------
  var queued = false;
  function scan() {
    queued = false;
    var w = words();
    if (!w) { return; }
    addLarger(w);
    if (synth) { addListen(w); }
  }
  function later() {
    if (queued) { return; }
    queued = true;
    (window.requestAnimationFrame || window.setTimeout)(scan);
  }
  new MutationObserver(later).observe(root, { childList: true, subtree: true });
  later();
})();
