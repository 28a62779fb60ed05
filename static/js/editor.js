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

  // A specialized image keeps its own users: Login and Custom Data are disabled (so not
  // submitted) but what was typed stays in the page and is back when a generalized image is.
  function applySpecializedRule() {
    var fields = document.getElementById("login-fields");
    var note = document.getElementById("specialized-note");
    if (!fields || !note) return;
    var details = document.getElementById("image-details");
    var specialized = imageType() === "gallery" && details &&
      (details.getAttribute("data-os-state") || "").toLowerCase() === "specialized";
    var restored = document.getElementById("login-restored");
    if (restored) {
      var hadValues = Array.prototype.some.call(
        fields.querySelectorAll("input, textarea"), function (input) { return input.value; });
      restored.classList.toggle("d-none", !(fields.disabled && !specialized && hadValues));
    }
    var editorLocked = fields.closest("fieldset[disabled]:not(#login-fields)");
    fields.disabled = !!specialized || !!editorLocked;
    note.classList.toggle("d-none", !specialized);
  }

  // VM size pickers: a type-to-filter box, a live "n selected: …" summary, and the families
  // that can't boot the chosen image's architecture marked.
  function summarize(picker) {
    var names = Array.prototype.map.call(
      picker.querySelectorAll('input[type="checkbox"]:checked'),
      function (box) { return picker.querySelector('label[for="' + box.id + '"]').textContent.replace(/^Standard_/, ""); }
    );
    var text = names.length ? names.length + " selected: " + names.slice(0, 3).join(", ") + (names.length > 3 ? ", …" : "") : "None selected.";
    picker.querySelector("[data-size-summary]").textContent = text;
  }

  function filterSizes(picker, text) {
    var needle = text.trim().toLowerCase();
    picker.querySelectorAll("[data-size-family]").forEach(function (family) {
      var shown = 0;
      family.querySelectorAll(".size-option").forEach(function (option) {
        var match = !needle || option.textContent.toLowerCase().indexOf(needle) !== -1;
        option.hidden = !match;
        shown += match ? 1 : 0;
      });
      family.hidden = shown === 0;
    });
  }

  function markArchitecture() {
    var hint = document.getElementById("size-architecture-hint");
    if (!hint) return;
    var details = document.getElementById("image-details");
    var arch = imageType() === "gallery" && details ? details.getAttribute("data-architecture") : "";
    if (arch === hint.getAttribute("data-architecture")) return;
    hint.setAttribute("data-architecture", arch || "");
    hint.textContent = arch ? "Image " + details.getAttribute("data-image-name") + " is " + arch +
      ": only " + arch + " sizes can boot it" + (arch === "Arm64" ? " (Dpsv5, Dplsv5, Epsv5 families)" : "") +
      "; the others are listed last." : "";
    document.querySelectorAll("[data-size-family]").forEach(function (family) {
      var other = !!arch && !!family.getAttribute("data-architecture") && family.getAttribute("data-architecture") !== arch;
      family.classList.toggle("size-family-other", other);
      var name = family.querySelector("[data-family-name]");
      name.textContent = name.getAttribute("data-family-name").split(" — ")[0] + (other ? " — not for " + arch + " images" : "");
    });
    // The families that fit first, as the server lists them.
    document.querySelectorAll(".size-list").forEach(function (list) {
      list.querySelectorAll(".size-family-other").forEach(function (family) { list.appendChild(family); });
    });
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
    if (event.target.name === "image_type") { showImageSection(); applySpecializedRule(); markArchitecture(); }
    var picker = event.target.closest("[data-size-picker]");
    if (picker) summarize(picker);
  });
  document.addEventListener("input", function (event) {
    if (event.target.matches("[data-size-filter]")) {
      filterSizes(event.target.closest("[data-size-picker]"), event.target.value);
    }
  });
  // Enter in a filter box picks the first match and never submits the editor's form.
  var pickFirstAfterSwap = null;

  function pickFirstMatch(box) {
    var select = document.getElementById(box.getAttribute("aria-controls"));
    var first = select && select.querySelector('option:not([value=""]):not([disabled])');
    if (!first || select.value === first.value) return;
    select.value = first.value;
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // A filter that leaves one match has made the choice: it is chosen, as a click would.
  function pickTheOnlyMatch(box) {
    if (!box || !box.matches || !box.matches('input[type="search"][data-cascade][aria-controls]')) return;
    if (!box.value.trim()) return;
    var select = document.getElementById(box.getAttribute("aria-controls"));
    var matches = select ? select.querySelectorAll('option:not([value=""]):not([disabled])') : [];
    if (matches.length === 1 && !select.value) pickFirstMatch(box);
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !event.target.matches) return;
    if (event.target.matches("[data-size-filter]")) { event.preventDefault(); return; }
    if (!event.target.matches('input[type="search"][data-cascade][aria-controls]')) return;
    event.preventDefault();
    var box = event.target;
    // The matches shown may be older than what was typed: ask for the current ones, then pick.
    pickFirstAfterSwap = box.id;
    if (window.htmx) window.htmx.trigger(box, "search"); else pickFirstMatch(box);
  });
  // A cascade note (e.g. "Version 1.1.0 is not available in West US") caused from another tab:
  // its tab gets a badge and the note is repeated under the tab bar, where the change was made.
  function flagNoticesElsewhere() {
    var elsewhere = document.getElementById("notice-elsewhere");
    if (!elsewhere) return;
    var lines = [];
    document.querySelectorAll(".tab-pane").forEach(function (pane) {
      var button = document.querySelector('[data-bs-target="#' + pane.id + '"]');
      if (!button) return;
      var notices = Array.prototype.map.call(
        pane.querySelectorAll("[data-cascade-notice]"), function (note) { return note.textContent.trim(); });
      var badge = button.querySelector("[data-notice-badge]");
      if (notices.length && !badge) {
        badge = document.createElement("span");
        badge.setAttribute("data-notice-badge", "");
        badge.className = "badge text-bg-warning ms-1";
        badge.textContent = "!";
        var hidden = document.createElement("span");
        hidden.className = "visually-hidden";
        hidden.textContent = " (needs a look)";
        badge.appendChild(hidden);
        button.appendChild(badge);
      } else if (!notices.length && badge) {
        badge.remove();
      }
      if (notices.length && !pane.classList.contains("active")) {
        lines.push(button.firstChild.textContent.trim() + " tab: " + notices.join(" "));
      }
    });
    elsewhere.textContent = lines.join(" ");
  }
  document.addEventListener("shown.bs.tab", flagNoticesElsewhere);

  // The Review tab of a group not saved yet: the JSON the form would create, asked for anew
  // each time the tab opens (the server builds it as a save would; nothing is saved).
  document.addEventListener("shown.bs.tab", function (event) {
    var review = document.querySelector("#review-json[data-preview-url]");
    if (!review || event.target.id !== "tab-review-button") return;
    var data = new FormData(form());
    data.set("action", "preview");
    fetch(review.getAttribute("data-preview-url"), {
      method: "POST", body: data, credentials: "same-origin", headers: { "X-Requested-With": "fetch" }
    }).then(function (answer) {
      return answer.ok ? answer.text() : Promise.reject(answer.status);
    }).then(function (text) {
      review.querySelector("code").textContent = text;
    }, function () {
      review.querySelector("code").textContent = "The preview could not be built; save a draft to see the JSON.";
    });
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    applySpecializedRule(); markArchitecture(); flagNoticesElsewhere();
    var request = event.detail && event.detail.requestConfig;
    pickTheOnlyMatch(request && request.elt);
    if (!pickFirstAfterSwap) return;
    var box = document.getElementById(pickFirstAfterSwap);
    if (box && request && request.elt === box) {
      pickFirstAfterSwap = null;
      pickFirstMatch(box);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    if (!form()) return;
    showImageSection();
    applySpecializedRule();
    document.querySelectorAll("[data-size-filter]").forEach(function (box) { box.hidden = false; });
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  });
})();
