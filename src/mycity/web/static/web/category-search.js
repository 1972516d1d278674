// Finding a category by words: the box above the categories' select hides the options
// whose words (names in Russian, Belarusian and English, their group's, and the
// synonyms the city lists) do not match every word typed. One match is chosen at once.
//
// A typed word matches a category's word when
// - it is the start of that word, or, for longer typed words, that start less its
//   ending ("фонари" finds "фонарь");
// - it is a longer form of the word's stem, worked out on the server by the Snowball
//   stemmer ("яму" finds "ямы" by its stem "ям", "фонарями" finds "фонарь");
// - it differs from the word, or from the word's start as long as it, by one letter
//   (one letter wrong, missing, extra, or two swapped: "фанарь", "выбоена").
// Belarusian і and ў are folded onto и and у on both sides, as the stems are.
(function () {
  "use strict";
  var MAX_ENDING = 3; // letters a typed form may add to a stem ("ям" + "ами")
  var TYPO_FROM = 4; // shorter words must be typed right
  function normal(text) {
    return text.toLowerCase().replace(/ё/g, "е").replace(/і/g, "и").replace(/ў/g, "у").replace(/[ʼ’']/g, "");
  }
  function cut(word) {
    return word.length >= 5 ? word.slice(0, word.length - 2) : word;
  }
  // Whether a and b differ by at most one edit (Damerau: substitution, insertion,
  // deletion or a swap of neighbours).
  function nearly(a, b) {
    if (a === b) return true;
    if (Math.abs(a.length - b.length) > 1) return false;
    var i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    if (a.length === b.length) {
      if (a.slice(i + 1) === b.slice(i + 1)) return true;
      return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
    }
    return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
  }
  function fits(q, words, stems) {
    var start = cut(q);
    if (words.some(function (w) { return w.indexOf(start) === 0; })) return true;
    if (stems.some(function (s) {
      var ending = s.length > 2 ? MAX_ENDING : MAX_ENDING - 1;
      return q.indexOf(s) === 0 && q.length - s.length <= ending;
    })) return true;
    if (q.length < TYPO_FROM) return false;
    return words.some(function (w) {
      return w.length >= TYPO_FROM && (nearly(q, w) || (q.length > TYPO_FROM && nearly(q, w.slice(0, q.length))));
    });
  }
  function split(text) {
    return normal(text || "").split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }
  document.querySelectorAll("[data-category-search]").forEach(function (box) {
    var select = document.getElementById(box.getAttribute("aria-controls"));
    var status = document.getElementById(box.dataset.status);
    if (!select) return;
    var options = Array.prototype.filter.call(select.options, function (o) { return o.dataset.words; }).map(function (option) {
      return { option: option, words: split(option.dataset.words), stems: split(option.dataset.stems) };
    });
    box.hidden = false;
    box.parentElement.hidden = false;
    box.addEventListener("input", function () {
      var query = split(box.value);
      var shown = [];
      options.forEach(function (o) {
        var found = query.every(function (q) { return fits(q, o.words, o.stems); });
        o.option.hidden = !found;
        if (found && shown.indexOf(o.option.value) < 0) shown.push(o.option.value);
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
