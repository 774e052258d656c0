// The moderator console's only script (served from /console/static, no inline script: the CSP
// allows 'self' alone). Everything works without it; it asks before a destructive action and
// moves focus to what needs reading.
"use strict";
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
document.addEventListener("DOMContentLoaded", function () {
  var first = document.querySelector("[role=alert], [role=status]");
  if (first && !document.querySelector("[autofocus]")) {
    first.setAttribute("tabindex", "-1");
    first.focus();
  }
});
