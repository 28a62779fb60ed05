// Arrow keys on a closed dropdown change its value once per key press, and each change of a
// cascade level would load the next level (of a switcher, switch the page). While the keys move, those changes are held back; one change goes
// through once the choice rests, so one request loads the level chosen. The mouse is untouched.
(function () {
  var REST_MS = 400;
  var MOVING_KEYS = ["ArrowUp", "ArrowDown", "PageUp", "PageDown", "Home", "End"];
  var moving = null; // the select being moved through, while keys are pressed
  var timer = null;
  var pending = false;

  function isCascadeSelect(element) {
    return element && element.matches &&
      element.matches("select[data-cascade][hx-get], select[data-submit-on-change]");
  }

  document.addEventListener("keydown", function (event) {
    if (!isCascadeSelect(event.target) || MOVING_KEYS.indexOf(event.key) === -1) return;
    moving = event.target;
  }, true);

  document.addEventListener("mousedown", function () { if (!pending) moving = null; }, true);

  document.addEventListener("change", function (event) {
    if (event.target !== moving || event.resting) return;
    event.stopImmediatePropagation();
    pending = true;
    clearTimeout(timer);
    var select = moving;
    timer = setTimeout(function () {
      moving = null;
      if (!pending) return;
      pending = false;
      var rested = new Event("change", { bubbles: true });
      rested.resting = true;
      select.dispatchEvent(rested);
    }, REST_MS);
  }, true);
})();
