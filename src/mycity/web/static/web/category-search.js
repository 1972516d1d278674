// Finding a category by words: the box above the categories' select hides the options
// whose names (in Russian, Belarusian and English, and their group's) do not match every
// word typed. A word matches the start of a name's word, or, for longer words, that
// start less its ending ("фонари" finds "фонарь"). One match is chosen at once.
(function () {
  "use strict";
  function normal(text) {
    return text.toLowerCase().replace(/ё/g, "е").replace(/[ʼ’']/g, "");
  }
  function stem(word) {
    return word.length >= 5 ? word.slice(0, word.length - 2) : word;
  }
  function matches(query, words) {
    return query.every(function (q) {
      return words.some(function (w) { return w.indexOf(stem(q)) === 0; });
    });
  }
  document.querySelectorAll("[data-category-search]").forEach(function (box) {
    var select = document.getElementById(box.getAttribute("aria-controls"));
    var status = document.getElementById(box.dataset.status);
    if (!select) return;
    var options = Array.prototype.filter.call(select.options, function (o) { return o.dataset.words; });
    box.hidden = false;
    box.parentElement.hidden = false;
    box.addEventListener("input", function () {
      var query = normal(box.value).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
      var shown = [];
      options.forEach(function (option) {
        var fits = !query.length || matches(query, normal(option.dataset.words).split(/\s+/));
        option.hidden = !fits;
        if (fits && shown.indexOf(option.value) < 0) shown.push(option.value);
      });
      Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
        group.hidden = !group.querySelector("option:not([hidden])");
      });
      status.textContent = query.length ? status.dataset[shown.length ? "found" : "none"].replace("{count}", shown.length) : "";
      if (shown.length === 1 && select.value !== shown[0]) {
        select.value = shown[0];
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  });
})();
