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
  new MutationObserver(fix).observe(document.body, {
    subtree: true, childList: true, characterData: true,
    attributes: true, attributeFilter: ['aria-valuetext', 'src']
  });
  fix();
})();
