// Quick exit: the red button, or Shift pressed three times within five seconds, blanks the page
// and replaces it (in history too, where the browser allows) with a neutral site.
(function () {
  "use strict";
  var link = document.getElementById("quick-exit");
  if (!link) { return; }
  var target = link.getAttribute("data-exit-url") || link.href;
  function leave(event) {
    if (event) { event.preventDefault(); }
    document.body.classList.add("exiting");
    document.title = "";
    window.location.replace(target);
  }
  link.addEventListener("click", leave);
  var presses = [];
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift" || event.repeat) { return; }
    var now = Date.now();
    presses = presses.filter(function (t) { return now - t < 5000; });
    presses.push(now);
    if (presses.length >= 3) { leave(null); }
  });
  window.addEventListener("pageshow", function () { document.body.classList.remove("exiting"); });
}());
