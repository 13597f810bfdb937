/* Personal link: the explainer's address with "#treated=YYYY-MM-DD" (see link.py). A
   fragment never reaches the server; this script puts the date into the timeline's date
   picker once the widget is on the page, which opens the timeline at today for that
   patient. Nothing else is read from the address. */
(function () {
  if (window.ceFragmentDate) { return; }
  window.ceFragmentDate = true;
  var match = /(?:^#|&)treated=(\d{4}-\d{2}-\d{2})(?:&|$)/.exec(window.location.hash);
  if (!match) { return; }
  var value = match[1];
  var tries = 0;
  function fill() {
    var input = document.querySelector('.ce-date-box input[type="date"]');
    if (!input) {
      if (++tries < 900) { setTimeout(fill, 100); }  /* the widgets may take a while to load */
      return;
    }
    if (input.value) { return; }  /* never overwrite what the patient typed */
    input.value = value;
    if (input.value !== value) { return; }  /* not a real day: leave the picker empty */
    input.dispatchEvent(new Event('change', { bubbles: true }));
    var box = input.closest('.ce-widget');
    if (box) { box.scrollIntoView({ block: 'start' }); }
  }
  fill();
})();
