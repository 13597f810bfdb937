/* Personal link: the explainer's address with "#treated=YYYY-MM-DD" (see link.py). A
   fragment never reaches the server; this script puts the date into the timeline's date
   field (the early form's at once, or the live widget's once it is on the page), which opens
   the timeline at today for that patient. Nothing else is read from the address. */
(function () {
  if (window.ceFragmentDate) { return; }
  window.ceFragmentDate = true;
  var match = /(?:^#|&)treated=(\d{4}-\d{2}-\d{2})(?:&|$)/.exec(window.location.hash);
  if (!match) { return; }
  var value = match[1];
  /* On a personal link the language switch keeps the date: the same page in the other
     language, with the date the picker holds now (or the link's). Registered on window in
     the capture phase, it runs before a11y.js's switch handler (which keeps the reading
     place instead) and replaces it. Only on a personal link: a date typed on a page opened
     without one never goes into the address. */
  window.addEventListener('click', function (event) {
    var link = event.target.closest && event.target.closest('a.ce-lang');
    if (!link) { return; }
    var input = document.querySelector('.ce-date-box input[type="date"]');
    var day = input && /^\d{4}-\d{2}-\d{2}$/.test(input.value) ? input.value : value;
    var url = new URL(link.getAttribute('href'), window.location.href);
    url.hash = 'treated=' + day;
    event.preventDefault();
    event.stopPropagation();
    window.location.assign(url.href);
  }, true);
  var tries = 0;
  function fill() {
    var input = document.querySelector('.ce-date-box input[type="date"]');
    /* the early form (early.js) answers once its script is in: wait for it */
    if (input && input.closest('.ce-early') && document.documentElement.dataset.ceEarly !== 'ready') { input = null; }
    if (!input) {
      if (++tries < 900) { setTimeout(fill, 100); }  /* the widgets may take a while to load */
      return;
    }
    if (input.value) { return; }  /* never overwrite what the patient typed */
    input.value = value;
    if (input.value !== value) { return; }  /* not a real day: leave the picker empty */
    input.dispatchEvent(new Event('change', { bubbles: true }));
    var box = input.closest('.ce-widget, .ce-early');
    if (box) { box.scrollIntoView({ block: 'start' }); }
    /* once the kernel has answered, the patient's day ("Day 3 after your treatment", or the
       plan-ahead line) at the top of the screen, and kept there while the tools above it
       finish drawing (they change height), until the patient scrolls or touches the page */
    var waits = 0, moved = false, kept = 0;
    ['wheel', 'touchstart', 'keydown', 'mousedown'].forEach(function (name) {
      window.addEventListener(name, function () { moved = true; }, { capture: true, once: true, passive: true });
    });
    (function top() {
      if (moved) { return; }
      var day = box && box.querySelector('.ce-day');
      if (day) {
        if (Math.abs(day.getBoundingClientRect().top) > 2) { day.scrollIntoView({ block: 'start' }); }
        if (document.documentElement.dataset.ceReady === 'true') { kept++; }
        if (kept < 20) { setTimeout(top, 150); }
      } else if (++waits < 300) { setTimeout(top, 100); }
    })();
  }
  fill();
})();
