/* What ipywidgets and the page renderers cannot do from Python, for keyboards, screen readers
   and touch. Runs once per page and follows every widget update:
   - slider: the handle is named by its label and speaks its stop ("3 days: Healing under the
     skin") as aria-valuetext; the read-only readout, the "you are here" marker over the chart
     and the chart's alt follow the handle at once, from the stops the kernel sent with the page
     (data-ce-stops), without waiting for a round trip;
   - a chart image gets its one text equivalent as alt (data-ce-alt);
   - radio buttons become one radio group per question (one Tab stop, arrow keys), named by
     the question (class ce-labelledby-ID); toggle buttons get aria-pressed in a named group;
   - in-page links jump in place (renderers add target=_blank to every link), links to other
     pages of the series open in the same tab; external links keep their new tab;
   - the page language (data-ce-lang) and a language switch that keeps the reader's place. */
(function () {
  if (window.__ceA11y) { return; }
  window.__ceA11y = true;
  var TOKEN = '@@position@@';

  function setAttr(el, name, value) {
    if (value !== null && value !== undefined && value !== '' && el.getAttribute(name) !== value) {
      el.setAttribute(name, value);
    }
  }
  function labelledBy(el) {
    var m = /(?:^|\s)ce-labelledby-(\S+)/.exec(el.className || '');
    return m ? m[1] : null;
  }
  function stopsOf(readout) {
    if (!readout.__ceStops) {
      try { readout.__ceStops = JSON.parse(readout.getAttribute('data-ce-stops')); } catch (e) { readout.__ceStops = []; }
    }
    return readout.__ceStops;
  }

  function fixSlider(widget) {
    var handle = widget.querySelector('.noUi-handle');
    if (!handle) { return; }
    var box = handle.closest('.widget-slider, .widget-hslider');
    var label = box && box.querySelector('.widget-label');
    setAttr(handle, 'aria-label', label && label.textContent.trim());
    var readout = widget.querySelector('.ce-readout[data-ce-stops]');
    var layer = widget.querySelector('.ce-marker-layer');
    var stop = null;
    if (readout) {
      var stops = stopsOf(readout);
      var i = Math.round(parseFloat(handle.getAttribute('aria-valuenow')));
      stop = stops[isNaN(i) ? 0 : Math.max(0, Math.min(stops.length - 1, i))];
    }
    if (stop) {
      if (readout.textContent !== stop.v) { readout.textContent = stop.v; }
      setAttr(handle, 'aria-valuetext', stop.v);
      if (layer && stop.x !== undefined && layer.__ceStop !== stop) {
        layer.__ceStop = stop;  // move once per new stop (the observer sees our own changes too)
        var line = layer.querySelector('.ce-marker-line');
        var tag = layer.querySelector('.ce-marker-label');
        var left = (stop.x * 100).toFixed(2) + '%';
        if (line) { line.style.left = left; }
        if (tag) {
          tag.style.left = left;
          tag.className = 'ce-marker-label ce-marker-' + stop.align;
        }
      }
    } else {
      var plain = box && box.querySelector('.widget-readout');
      if (plain) {
        setAttr(handle, 'aria-valuetext', plain.textContent.trim());
        if (plain.isContentEditable) { plain.contentEditable = 'false'; }
      }
    }
    var alt = widget.querySelector('[data-ce-alt]');
    var img = widget.querySelector('img');
    if (alt && img) {
      setAttr(img, 'alt', alt.getAttribute('data-ce-alt').replace(TOKEN, (stop && stop.p) || ''));
    }
  }

  function fixChoices(widget) {
    widget.querySelectorAll('.widget-radio').forEach(function (radio) {
      var box = radio.querySelector('.widget-radio-box');
      if (!box) { return; }
      var id = labelledBy(radio);
      setAttr(box, 'role', 'radiogroup');
      if (id) { setAttr(box, 'aria-labelledby', id); }
      var name = 'ce-group-' + (id || radio.getAttribute('data-ce-group') || Math.random().toString(36).slice(2));
      if (!id && !radio.getAttribute('data-ce-group')) { radio.setAttribute('data-ce-group', name.slice(9)); }
      box.querySelectorAll('input[type="radio"]').forEach(function (input) {
        if (input.name !== name) { input.name = name; }
      });
    });
    widget.querySelectorAll('.widget-toggle-buttons').forEach(function (group) {
      var id = labelledBy(group);
      var buttons = group.querySelector('.widget-toggle-buttons > div') || group;
      setAttr(buttons, 'role', 'group');
      if (id) { setAttr(buttons, 'aria-labelledby', id); }
      group.querySelectorAll('button.widget-toggle-button').forEach(function (b) {
        setAttr(b, 'aria-pressed', b.classList.contains('mod-active') ? 'true' : 'false');
      });
    });
  }

  function isInternal(a) {
    var href = a.getAttribute('href') || '';
    return href.charAt(0) === '#' || !/^[a-z][a-z0-9+.-]*:|^\/\//i.test(href);
  }
  function fixLinks() {
    document.querySelectorAll('.ce a[href][target], .jp-RenderedHTMLCommon a[href][target]').forEach(function (a) {
      if (isInternal(a)) { a.removeAttribute('target'); a.removeAttribute('rel'); }
    });
  }

  function fix() {
    document.querySelectorAll('.ce-widget').forEach(function (widget) {
      fixSlider(widget);
      fixChoices(widget);
    });
    fixLinks();
  }
  // The page's language for screen readers and hyphenation (the page says it in data-ce-lang).
  function setLang() {
    var el = document.querySelector('[data-ce-lang]');
    if (el) { setAttr(document.documentElement, 'lang', el.getAttribute('data-ce-lang')); }
    // a copy of the language switch floats at the corner of the screen (JupyterLab's panels
    // contain fixed elements, so it lives directly in <body>)
    var link = document.querySelector('.ce-banner a.ce-lang');
    if (link && !document.querySelector('.ce-lang-float')) {
      var box = document.createElement('div');
      box.className = 'ce ce-lang-float';
      box.appendChild(link.cloneNode(true));
      document.body.appendChild(box);
    }
    // last in the keyboard's order (the skip link first): Voila adds the page's panel (#main)
    // to <body> after this script has run; moved once, behind it (scripts that come and go
    // after it are not in the keyboard's order)
    var float = document.querySelector('body > .ce-lang-float');
    var shell = document.querySelector('body > #main');
    if (float && shell && (float.compareDocumentPosition(shell) & Node.DOCUMENT_POSITION_FOLLOWING)
        && !float.contains(document.activeElement)) {
      document.body.appendChild(float);
    }
  }
  // Print the clinic's full answers, not just the plain versions.
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('details.ce-full').forEach(function (d) { d.setAttribute('open', ''); });
  });
  // The language link keeps the reader's place: the part of the page they are reading.
  document.addEventListener('click', function (event) {
    var link = event.target.closest && event.target.closest('a.ce-lang');
    if (!link) { return; }
    var place = '';
    document.querySelectorAll('section[id], .ce-faq[id]').forEach(function (s) {
      if (s.getBoundingClientRect().top < window.innerHeight / 3) { place = s.id; }
    });
    var url = new URL(link.getAttribute('href'), window.location.href);
    if (place) { url.hash = place; }
    // navigate ourselves: the page's link handling would treat '?lang=..' as a file to open
    event.preventDefault();
    event.stopPropagation();
    window.location.assign(url.href);
  }, true);

  // In-page links jump in place (before the renderers' own handlers see the click).
  document.addEventListener('click', function (event) {
    var a = event.target.closest && event.target.closest('a[href^="#"]');
    if (!a || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    var target = document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)));
    if (!target) { return; }
    event.preventDefault();
    event.stopPropagation();
    // a folded answer opens when a link leads to it
    var fold = target.querySelector('details.ce-part');
    if (fold) { fold.open = true; }
    if (!target.hasAttribute('tabindex')) { target.setAttribute('tabindex', '-1'); }
    target.scrollIntoView({block: 'start'});
    target.focus({preventScroll: true});
    if (window.history && history.replaceState) { history.replaceState(null, '', a.getAttribute('href')); }
  }, true);

  // The chart stays in sight while the slider has focus: the slider's group (slider, readout,
  // chart) is brought whole into view, with the least scroll.
  document.addEventListener('focusin', function (event) {
    var group = event.target.closest && event.target.closest('.ce-tool-controls');
    if (!group) { return; }
    var r = group.getBoundingClientRect();
    if (r.top < 0 || r.bottom > window.innerHeight) { group.scrollIntoView({block: 'nearest'}); }
  });

  new MutationObserver(function () { fix(); setLang(); }).observe(document.body, {
    subtree: true, childList: true, characterData: true, attributes: true,
    attributeFilter: ['aria-valuenow', 'aria-valuetext', 'src', 'class', 'target', 'contenteditable']
  });
  fix();
  setLang();
})();
