// The group editor's walk through its tabs and its guard on unsaved work: Back / Next buttons
// under each tab, and the browser's "Leave site?" question when the form holds changes that
// were not saved. Both are enhancements: without JavaScript the tabs are one long page.
(function () {
  function tabButton(pane) {
    return document.querySelector('[data-bs-target="#' + pane.id + '"]');
  }

  function stepButton(pane, label, className) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-sm " + className;
    var target = tabButton(pane);
    button.textContent = label + ": " + target.firstChild.textContent.trim();
    button.addEventListener("click", function () {
      window.bootstrap.Tab.getOrCreateInstance(target).show();
      target.focus();
    });
    return button;
  }

  function addSteps(form) {
    var panes = Array.prototype.slice.call(form.querySelectorAll(".tab-content > .tab-pane"));
    panes.forEach(function (pane, index) {
      var steps = document.createElement("div");
      steps.className = "d-flex gap-2 mt-3 border-top pt-2 tab-steps";
      if (index > 0) steps.appendChild(stepButton(panes[index - 1], "Back", "btn-outline-secondary"));
      if (index < panes.length - 1) steps.appendChild(stepButton(panes[index + 1], "Next", "btn-outline-primary ms-auto"));
      pane.appendChild(steps);
    });
  }

  function guardUnsaved(form) {
    // A page shown again after a refused save holds unsaved input from the start.
    var dirty = form.hasAttribute("data-unsaved");
    var leaving = false;
    function touched(event) {
      // Filter boxes narrow a list; they change nothing that would be saved.
      if (event.target.matches("[data-size-filter], input[type=search]")) return;
      dirty = true;
    }
    form.addEventListener("input", touched);
    form.addEventListener("change", touched);
    form.addEventListener("submit", function () { leaving = true; });
    window.addEventListener("beforeunload", function (event) {
      if (!dirty || leaving) return;
      event.preventDefault();
      event.returnValue = "";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("group-editor");
    if (!form || !window.bootstrap) return;
    if (!form.querySelector("fieldset.tab-content[disabled]")) guardUnsaved(form);
    addSteps(form);
  });
})();
