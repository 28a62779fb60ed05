// The group editor: image-type sections, the specialized-image rule, copy-to-clipboard, and
// error links that open the right tab. Everything here is an enhancement: the form works without it.
(function () {
  function form() { return document.getElementById("group-editor"); }

  function imageType() {
    var checked = document.querySelector('input[name="image_type"]:checked');
    return checked ? checked.value : "gallery";
  }

  function showImageSection() {
    var type = imageType();
    document.querySelectorAll("[data-image-section]").forEach(function (section) {
      section.hidden = section.getAttribute("data-image-section") !== type;
    });
  }

  // A specialized image keeps its own users: Login and Custom Data are cleared and disabled.
  function applySpecializedRule() {
    var fields = document.getElementById("login-fields");
    var note = document.getElementById("specialized-note");
    if (!fields || !note) return;
    var details = document.getElementById("image-details");
    var specialized = imageType() === "gallery" && details &&
      (details.getAttribute("data-os-state") || "").toLowerCase() === "specialized";
    if (specialized && !fields.disabled) {
      fields.querySelectorAll("input, textarea").forEach(function (input) { input.value = ""; });
    }
    var editorLocked = fields.closest("fieldset[disabled]:not(#login-fields)");
    fields.disabled = !!specialized || !!editorLocked;
    note.classList.toggle("d-none", !specialized);
  }

  function showTabOf(element) {
    var pane = element && element.closest(".tab-pane");
    if (!pane || !window.bootstrap) return;
    var button = document.querySelector('[data-bs-target="#' + pane.id + '"]');
    if (button) window.bootstrap.Tab.getOrCreateInstance(button).show();
  }

  document.addEventListener("click", function (event) {
    var copy = event.target.closest("[data-copy-target]");
    if (copy) {
      var source = document.querySelector(copy.getAttribute("data-copy-target"));
      var status = document.getElementById("copy-status");
      navigator.clipboard.writeText(source.textContent).then(function () {
        if (status) status.textContent = "Copied.";
      }, function () {
        if (status) status.textContent = "Copying failed; select the text and copy it instead.";
      });
      return;
    }
    var link = event.target.closest("a[data-field]");
    if (link) {
      var target = document.getElementById("id_" + link.getAttribute("data-field"));
      if (target) {
        event.preventDefault();
        showTabOf(target);
        setTimeout(function () { target.focus(); }, 200);
      }
    }
  });

  document.addEventListener("change", function (event) {
    if (event.target.name === "image_type") { showImageSection(); applySpecializedRule(); }
  });
  document.addEventListener("htmx:afterSettle", applySpecializedRule);

  document.addEventListener("DOMContentLoaded", function () {
    if (!form()) return;
    showImageSection();
    applySpecializedRule();
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  });
})();
