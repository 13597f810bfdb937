/* Screen-reader names that ipywidgets cannot set from Python:
   a slider handle gets its label as aria-label and its readout ("2 days") as aria-valuetext
   (instead of the option's index); a chart image gets its text description as alt.
   Runs once per page and follows every widget update. */
(function () {
  if (window.__ceA11y) { return; }
  window.__ceA11y = true;
  function setAttr(el, name, value) {
    if (value && el.getAttribute(name) !== value) { el.setAttribute(name, value); }
  }
  function fix() {
    document.querySelectorAll('.ce-widget .widget-slider, .ce-widget .widget-hslider').forEach(function (box) {
      var handle = box.querySelector('.noUi-handle');
      if (!handle) { return; }
      var label = box.querySelector('.widget-label');
      var readout = box.querySelector('.widget-readout');
      setAttr(handle, 'aria-label', label && label.textContent.trim());
      setAttr(handle, 'aria-valuetext', readout && readout.textContent.trim());
    });
    document.querySelectorAll('.ce-widget img').forEach(function (img) {
      var widget = img.closest('.ce-widget');
      var text = widget && widget.querySelector('.ce-visually-hidden');
      setAttr(img, 'alt', text && text.textContent.trim());
    });
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
  new MutationObserver(function () { fix(); setLang(); }).observe(document.body, {
    subtree: true, childList: true, characterData: true,
    attributes: true, attributeFilter: ['aria-valuetext', 'src']
  });
  fix();
  setLang();
})();
