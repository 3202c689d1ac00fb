// Quick exit: the red button, or Shift pressed three times within five seconds, blanks the page
// and replaces it (in history too, where the browser allows) with a neutral site.
// Shift presses made while typing (in a text field, text area, select or editable text) do not
// count: a caseworker typing capitals must never be thrown out of her form.
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
  // Input types that take no typed text: Shift there is not typing.
  var NOT_TYPED = { button: 1, submit: 1, reset: 1, checkbox: 1, radio: 1, image: 1, file: 1, range: 1, color: 1 };
  function typing(element) {
    if (!element || element.nodeType !== 1) { return false; }
    if (element.isContentEditable) { return true; }
    var tag = element.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") { return true; }
    if (tag === "INPUT") { return !NOT_TYPED[(element.getAttribute("type") || "text").toLowerCase()]; }
    return false;
  }
  var presses = [];
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift") { presses = []; return; }
    if (event.repeat) { return; }
    if (typing(event.target) || typing(document.activeElement)) { presses = []; return; }
    var now = Date.now();
    presses = presses.filter(function (t) { return now - t < 5000; });
    presses.push(now);
    if (presses.length >= 3) { leave(null); }
  });
  window.addEventListener("pageshow", function () { document.body.classList.remove("exiting"); });
}());
