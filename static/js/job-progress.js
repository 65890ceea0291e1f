// A background job's page: poll its progress every two seconds, update the bar and the words
// (announced politely to screen readers), and reload once it has finished.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-progress]");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-job-text]");
  function words(state) {
    if (state.status === "queued") { return "Waiting for a worker to pick it up."; }
    if (state.status === "running") { return state.done + " of " + (state.total || "?") + " done."; }
    if (state.status === "done") { return "Finished. " + state.message; }
    return "Failed: " + state.message;
  }
  function poll() {
    fetch(box.getAttribute("data-job-progress"), { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        bar.max = state.total || 1;
        bar.value = state.total ? state.done : (state.finished ? 1 : 0);
        text.textContent = words(state);
        if (state.finished) { window.location.reload(); } else { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
}());
