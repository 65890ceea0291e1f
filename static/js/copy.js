// Copy buttons for feed links (progressive enhancement: without JavaScript the link sits in a
// read-only field people can select and copy themselves, and the buttons stay hidden).
(function () {
  "use strict";
  var status = document.getElementById("copy-status");

  function say(message) {
    if (status) { status.textContent = message; }
  }

  function copyFrom(input) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(input.value);
    }
    // Older browsers, or plain http: select the text and use the legacy command.
    input.focus();
    input.select();
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy-target"));
    if (!input) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      copyFrom(input).then(
        function () { say("Copied the link to your clipboard."); },
        function () { input.select(); say("Could not copy: the link is selected, copy it with your keyboard."); }
      );
    });
  });
}());
