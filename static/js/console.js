// Show server and network errors from htmx requests in the page instead of failing silently.
(function () {
  function showError(text) {
    var box = document.getElementById("htmx-error");
    if (!box) return;
    box.textContent = text;
    box.classList.remove("d-none");
  }
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    showError("The server could not complete that request (" + xhr.status + " " + xhr.statusText + "). Nothing was changed; please try again.");
  });
  document.addEventListener("htmx:sendError", function () {
    showError("The console could not be reached. Check your connection and try again.");
  });
  document.addEventListener("htmx:beforeRequest", function () {
    var box = document.getElementById("htmx-error");
    if (box) box.classList.add("d-none");
  });
})();
