// The case page's print panel (admin/documents/case_print_panel.html).
//
// "Print" posts, waits for the PDF (a unit's ballots take a few seconds), downloads it and
// reloads the page to show the new current version. Prints run one at a time: a click on
// another document while one runs (or in the moment before the page reloads) is queued and
// the panel says how many wait; a second click on the document already printing or queued
// is not a second version, and the panel says so. Without JavaScript the links open a
// confirmation page that posts. The texts and the CSRF token come from the panel's data
// attributes (no inline script: Content-Security-Policy).
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
    var note = document.createElement("p");
    note.className = "documents-print-queue";
    note.setAttribute("role", "status");
    status.parentNode.insertBefore(note, status.nextSibling);
    var text = {
      working: panel.dataset.textWorking,
      done: panel.dataset.textDone,
      failed: panel.dataset.textFailed,
      queued: panel.dataset.textQueued || "",
      duplicate: panel.dataset.textDuplicate || ""
    };
    var queue = [];        // links waiting for their turn
    var current = null;    // the link being printed
    var failed = false;    // a print of this run failed: no reload, so the message stays
    var reloadTimer = null;

    function showQueue() {
      note.textContent = queue.length ? text.queued.replace("%(count)s", String(queue.length)) : "";
    }

    function finish() {
      current = null;
      panel.removeAttribute("aria-busy");
      delete panel.dataset.busy;
      if (failed) { status.textContent = text.failed; failed = false; return; }
      // The page reloads to show the new versions; a click before then cancels the reload.
      reloadTimer = setTimeout(function () { window.location.reload(); }, 1500);
    }

    function next() {
      var link = queue.shift();
      showQueue();
      if (!link) { finish(); return; }
      current = link;
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
          setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
        });
      }).catch(function () {
        failed = true;
      }).then(next);
    }

    panel.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-documents-post]");
      if (!link) { return; }
      event.preventDefault();
      if (reloadTimer) { clearTimeout(reloadTimer); reloadTimer = null; }
      var waiting = queue.some(function (queued) { return queued.href === link.href; });
      if ((current && current.href === link.href) || waiting) {
        note.textContent = text.duplicate;  // said, not silently dropped
        return;
      }
      queue.push(link);
      if (current) { showQueue(); } else { next(); }
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
