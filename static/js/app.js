/* symptomcheck: small progressive enhancements; every page works without this file. */
document.addEventListener("DOMContentLoaded", function () {
  // After a failed submit, move focus to the error summary so screen readers announce it.
  var summary = document.getElementById("form-errors");
  if (summary) {
    summary.focus();
  }
  // The print button is hidden until this script can make it work.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
});
