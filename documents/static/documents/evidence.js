// The evidence bundle page (admin/documents/evidence_bundles.html): while a bundle is being
// built, ask its status once a second and show "正在生成证据包… 12/48" with a progress bar;
// once it is finished (or has failed) reload the page, which lists it with its hashes and its
// download (or says why it failed). The status URL and the texts come from data attributes
// (no inline script: Content-Security-Policy). Without JavaScript the "刷新" link does the same.
(function () {
  "use strict";

  function bind(box) {
    var bar = box.querySelector("progress");
    var text = box.querySelector(".evidence-progress-text");
    var failures = 0;

    function poll() {
      fetch(box.dataset.statusUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.json();
        })
        .then(function (state) {
          failures = 0;
          text.textContent = state.text;
          if (state.total) { bar.max = state.total; bar.value = state.done; }
          if (state.finished) { window.location.reload(); return; }
          setTimeout(poll, 1000);
        })
        .catch(function () {
          failures += 1;
          if (failures >= 5) { text.textContent = box.dataset.textFailed; return; }
          setTimeout(poll, 2000);
        });
    }

    setTimeout(poll, 300);
  }

  function start() {
    var box = document.getElementById("evidence-progress");
    if (box) { bind(box); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
