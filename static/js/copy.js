// Copy buttons: a button with data-copy-target copies that input's value and says so in the status line.
// Without JavaScript the buttons stay hidden and the read-only input can be selected and copied by hand.
"use strict";

document.querySelectorAll("[data-copy-target]").forEach(function (button) {
  var input = document.getElementById(button.dataset.copyTarget);
  var status = document.getElementById(button.dataset.copyTarget + "-status");
  button.hidden = false;
  button.addEventListener("click", function () {
    input.select();
    var copied = navigator.clipboard
      ? navigator.clipboard.writeText(input.value)
      : Promise.resolve(document.execCommand("copy"));
    copied.then(function (done) {
      if (status && done !== false) {
        status.textContent = button.dataset.copied;
      }
    });
  });
});
