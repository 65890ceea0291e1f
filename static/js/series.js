// The recurring form: when the first date changes, the weekday boxes (weekly) and the weekday
// (monthly) follow it, unless the person has chosen them. Without this script the server does
// the same when the form is sent (views/series.py, follow_first_date).
(function () {
  "use strict";
  var first = document.getElementById("starts_on");
  var shownFor = document.getElementById("weekdays_for");
  if (!first || !shownFor) { return; }
  function weekdayOf(text) {
    var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || "");
    if (!parts) { return null; }
    var day = new Date(Date.UTC(+parts[1], +parts[2] - 1, +parts[3])).getUTCDay();
    return (day + 6) % 7; // Monday = 0, as the form counts
  }
  first.addEventListener("change", function () {
    var before = weekdayOf(shownFor.value), after = weekdayOf(first.value);
    if (after === null) { return; }
    var boxes = document.querySelectorAll('input[name="weekdays"]');
    var ticked = Array.prototype.filter.call(boxes, function (box) { return box.checked; });
    if (ticked.length === 0 || (ticked.length === 1 && +ticked[0].value === before)) {
      Array.prototype.forEach.call(boxes, function (box) { box.checked = +box.value === after; });
    }
    var monthly = document.getElementById("weekday");
    if (monthly && (+monthly.value === before)) { monthly.value = String(after); }
    shownFor.value = first.value;
  });
}());
