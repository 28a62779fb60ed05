// Connect / Save after a failed "Test connection": blocked until a field changes (a new try)
// or the admin confirms saving anyway, so a connection known not to work is not saved by the
// next click. Without JavaScript there is no test to fail, and the button always saves.
(function () {
  function submitButton(form) { return form.querySelector('button[type="submit"]'); }

  function block(form, blocked) {
    var button = submitButton(form);
    if (button) button.disabled = blocked;
    var confirm = form.querySelector("[data-connect-anyway]");
    if (confirm) confirm.classList.toggle("d-none", !blocked && !confirm.querySelector("input").checked);
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var form = event.target.closest && event.target.closest("#subscription-form");
    if (!form || event.target.id !== "connection-test") return;
    var result = event.target.querySelector("[data-test-result]");
    block(form, !!result && result.getAttribute("data-test-result") === "failed");
  });

  function changed(event) {
    var form = event.target.closest && event.target.closest("#subscription-form");
    if (!form) return;
    if (event.target.id === "connect-anyway") {
      submitButton(form).disabled = !event.target.checked;
      return;
    }
    // Other values than the ones tested: the failed verdict no longer applies to them.
    var result = form.querySelector('[data-test-result="failed"]');
    if (!result) return;
    result.remove();
    block(form, false);
  }
  document.addEventListener("input", changed);
  document.addEventListener("change", changed);
})();
