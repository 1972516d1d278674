// A live count of the characters of a text with a limit: the box never cuts what is
// typed or pasted (it has no maxlength); the count says how much is over, and the
// server refuses an over-long text with the same limit, keeping the text to shorten.
// A screen reader hears the count only when the text nears or passes the limit.
(function () {
  "use strict";
  var NEAR = 0.9; // of the limit, from where the count is announced
  document.querySelectorAll("textarea[data-limit]").forEach(function (box) {
    var counter = document.getElementById(box.dataset.counter);
    if (!counter) return;
    var limit = parseInt(box.dataset.limit, 10);
    var spoken = document.createElement("span");
    spoken.className = "visually-hidden";
    spoken.setAttribute("aria-live", "polite");
    counter.insertAdjacentElement("afterend", spoken);
    var timer = null;
    function update() {
      var count = box.value.length;
      var over = count - limit;
      var text = counter.dataset[over > 0 ? "over" : "count"]
        .replace("{count}", count).replace("{max}", limit).replace("{over}", over);
      counter.textContent = text;
      counter.classList.toggle("error", over > 0);
      clearTimeout(timer);
      timer = setTimeout(function () {
        spoken.textContent = count >= limit * NEAR ? text : "";
      }, 600);
    }
    box.addEventListener("input", update);
    update();
  });
})();
