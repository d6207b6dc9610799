// Follows an import job's progress and reloads the page when the dry run or the import has finished.
(function () {
  "use strict";
  var box = document.querySelector("[data-status-url]");
  if (!box) {
    return;
  }
  var bar = box.querySelector("[data-progress-bar]");
  var text = box.querySelector("[data-progress-text]");
  var meter = box.querySelector(".progress");
  var url = box.getAttribute("data-status-url");
  var doneLabel = box.getAttribute("data-done-label") || "";

  function show(status) {
    var total = status.total || 0;
    var percent = total ? Math.min(100, Math.round((100 * status.done) / total)) : 0;
    bar.style.width = percent + "%";
    bar.textContent = percent + "%";
    meter.setAttribute("aria-valuenow", String(status.done));
    meter.setAttribute("aria-valuemax", String(total));
    text.textContent = status.done.toLocaleString() + " / " + total.toLocaleString() + " " + doneLabel;
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.json();
      })
      .then(function (status) {
        show(status);
        if (status.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }

  poll();
})();
