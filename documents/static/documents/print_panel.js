// The case page's print panel (admin/documents/case_print_panel.html).
//
// "Print" posts, waits for the PDF (a unit's ballots take a few seconds), downloads it and
// reloads the page to show the new current version. While one print runs, every print
// button waits: a second click would otherwise make another version. Without JavaScript
// the links open a confirmation page that posts. The texts and the CSRF token come from
// the panel's data attributes (no inline script: Content-Security-Policy).
(function () {
  "use strict";

  function filenameOf(response) {
    var header = response.headers.get("Content-Disposition") || "";
    var match = /filename\*=utf-8''([^;]+)/i.exec(header) || /filename="([^"]+)"/.exec(header);
    return match ? decodeURIComponent(match[1]) : "document.pdf";
  }

  function bind(panel) {
    if (panel.dataset.bound) { return; }
    panel.dataset.bound = "1";
    var status = panel.querySelector(".documents-print-status");
    var text = {
      working: panel.dataset.textWorking,
      done: panel.dataset.textDone,
      failed: panel.dataset.textFailed
    };
    panel.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-documents-post]");
      if (!link) { return; }
      event.preventDefault();
      if (panel.dataset.busy) { return; }
      panel.dataset.busy = "1";
      panel.setAttribute("aria-busy", "true");
      status.textContent = text.working;
      fetch(link.href, {
        method: "POST",
        credentials: "same-origin",
        headers: {"X-CSRFToken": panel.dataset.csrfToken}
      }).then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.blob().then(function (blob) {
          var url = URL.createObjectURL(blob);
          var save = document.createElement("a");
          save.href = url;
          save.download = filenameOf(response);
          document.body.appendChild(save);
          save.click();
          save.remove();
          status.textContent = text.done;
          setTimeout(function () { URL.revokeObjectURL(url); window.location.reload(); }, 1500);
        });
      }).catch(function () {
        status.textContent = text.failed;
        delete panel.dataset.busy;
        panel.removeAttribute("aria-busy");
      });
    });
  }

  function start() {
    var panel = document.getElementById("documents-print-panel");
    if (panel) { bind(panel); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
