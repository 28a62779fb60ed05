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

// Copy buttons: <button data-copy-target="#id">; the result is announced in [data-copy-status].
(function () {
  function announce(text) {
    var status = document.querySelector("[data-copy-status]");
    if (status) status.textContent = text;
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) return;
    var field = document.querySelector(button.getAttribute("data-copy-target"));
    if (!field) return;
    field.focus();
    field.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(
        function () { announce("Copied to the clipboard."); },
        function () { announce("Copy failed: the text is selected, press Ctrl+C."); }
      );
    } else {
      // Plain-http deployments have no Clipboard API; the selection lets the user copy by hand.
      var copied = false;
      try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
      announce(copied ? "Copied to the clipboard." : "The text is selected: press Ctrl+C to copy.");
    }
  });
})();

// "Go back" links: <a href="/fallback" data-history-back> go back in history when there is one.
document.addEventListener("click", function (event) {
  var link = event.target.closest("a[data-history-back]");
  if (link && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});

// Settings → Subscriptions form: the endpoint fields matter only for a custom cloud.
(function () {
  function sync(cloud) {
    document.querySelectorAll("[data-custom-cloud]").forEach(function (field) {
      field.hidden = cloud.value !== "custom";
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("#subscription-form [name=cloud]")) sync(event.target);
  });
  document.addEventListener("DOMContentLoaded", function () {
    var cloud = document.querySelector("#subscription-form [name=cloud]");
    if (cloud) sync(cloud);
  });
})();

// Switchers (organization, account) switch as soon as a choice is made; their Switch button
// stays for browsers without JavaScript.
(function () {
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-submit-on-change]")) return;
    if (select.form.requestSubmit) select.form.requestSubmit(); else select.form.submit();
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
      var button = select.form.querySelector("button[type=submit]");
      if (button) button.hidden = true;
    });
  });
})();
