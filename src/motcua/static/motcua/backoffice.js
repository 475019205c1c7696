/* Back office: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  // Applicant kind: show only the individual's or the organisation's fields (both are shown without JS).
  function syncKind(form) {
    var checked = form.querySelector('input[name="kind"]:checked');
    if (!checked) return;
    form.querySelectorAll("fieldset[data-kind]").forEach(function (box) {
      box.hidden = box.getAttribute("data-kind") !== checked.value;
    });
  }

  document.querySelectorAll("form.intake").forEach(function (form) {
    syncKind(form);
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.name === "kind") syncKind(form);
      // Choosing a scan for a line means the paper was received: tick it.
      var match = /^doc_(\d+)_files$/.exec(target.name || "");
      if (match && target.files && target.files.length) {
        var tick = form.querySelector('input[name="doc_' + match[1] + '_received"]');
        if (tick) tick.checked = true;
      }
    });
  });

  // Refusing, withdrawing, stopping: ask once more before sending.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
  });

  // Bring the error summary into view and focus so the officer (and a screen reader) starts there.
  var summary = document.getElementById("error-summary") || document.getElementById("canh-bao");
  if (summary) summary.focus();
})();
