// The error summary (templates/macros/forms.html): focus moves to it when the page opens, so the first thing
// read and seen is what went wrong. Its links move the focus to their field: to the first control of a group
// of checkboxes or rows, and with the field's label or legend scrolled into view above it.
"use strict";

(function () {
  var summary = document.getElementById("error-summary");
  if (!summary) {
    return;
  }
  summary.focus();

  // The element a link names: the field, or the group holding its options (ids "<field>-0", "<field>-1"...).
  function named(id) {
    var starts = '[id^="' + CSS.escape(id + "-") + '"]';
    return document.getElementById(id) || document.querySelector(
      "input" + starts + ", select" + starts + ", textarea" + starts
    );
  }

  function control(target) {
    if (target.matches("input, select, textarea, button")) {
      return target;
    }
    return target.querySelector("input:not([type=hidden]), select, textarea, button");
  }

  function caption(target, field) {
    var group = target.closest("fieldset");
    if (group && (target === group || field.type === "checkbox" || field.type === "radio")) {
      return group.querySelector("legend") || group;
    }
    return (field.id && document.querySelector('label[for="' + CSS.escape(field.id) + '"]')) || field;
  }

  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var target = link && named(decodeURIComponent(link.hash.slice(1)));
    var field = target && control(target);
    if (!field) {
      return;
    }
    event.preventDefault();
    caption(target, field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();
