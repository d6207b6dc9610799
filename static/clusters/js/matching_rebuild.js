// Polls the rebuild's progress (chunks done of total) while it runs, then reloads to show the new live index.
(function () {
  "use strict";
  var box = document.getElementById("matching-progress");
  if (!box || box.hidden) {
    return;
  }
  var done = box.querySelector("[data-done]");
  var total = box.querySelector("[data-total]");
  var bar = box.querySelector("[data-bar]");
  var meter = box.querySelector("[role=progressbar]");

  function show(progress) {
    done.textContent = progress.chunks_done;
    total.textContent = progress.chunks_total;
    meter.setAttribute("aria-valuenow", progress.chunks_done);
    meter.setAttribute("aria-valuemax", progress.chunks_total);
    var share = progress.chunks_total ? (100 * progress.chunks_done) / progress.chunks_total : 0;
    bar.style.width = share.toFixed(0) + "%";
  }

  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (progress) {
        show(progress);
        if (progress.running) {
          window.setTimeout(poll, 2000);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  poll();
})();
