// Suggestions of the city's registry addresses while an address is typed, as the ARIA 1.2
// combobox pattern (list autocomplete, https://www.w3.org/WAI/ARIA/apg/patterns/combobox/):
// Down and Up move through the suggestions, Enter takes one, Escape closes them, Tab
// leaves. A street taken is followed by ", " for the house number; a building fills the
// whole address. Without JavaScript the field stays a plain text box and the server
// reads whatever was typed (cities.text.parse_address), so nothing depends on this file.
(function () {
  "use strict";
  var WAIT_MS = 200; // after the last key, before asking
  var MIN_CHARS = 2;
  var LIMIT = 8;

  function enhance(input) {
    var list = document.createElement("ul");
    var status = document.createElement("span");
    var options = [];
    var active = -1;
    var asked = 0;
    var timer = null;
    list.id = input.id + "-suggestions";
    list.className = "address-suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.dataset.suggestLabel);
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");

    function open(yes) {
      list.hidden = !yes;
      input.setAttribute("aria-expanded", yes ? "true" : "false");
      if (!yes) activate(-1);
    }
    function activate(index) {
      active = index;
      options.forEach(function (option, i) {
        option.element.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].element.id);
        options[index].element.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function choose(index) {
      var item = options[index].item;
      input.value = item.kind === "street" ? item.label + ", " : item.label;
      open(false);
      input.focus();
      input.dispatchEvent(new CustomEvent("address-chosen", { bubbles: true, detail: item }));
      if (item.kind === "street") ask();
    }
    function show(items) {
      list.textContent = "";
      options = items.map(function (item, i) {
        var element = document.createElement("li");
        element.id = list.id + "-" + i;
        element.setAttribute("role", "option");
        element.setAttribute("aria-selected", "false");
        element.textContent = item.label;
        // Keep the focus in the box: the click then takes the option.
        element.addEventListener("mousedown", function (event) { event.preventDefault(); });
        element.addEventListener("click", function () { choose(i); });
        list.appendChild(element);
        return { item: item, element: element };
      });
      status.textContent = (items.length ? input.dataset.suggestFound : input.dataset.suggestNone).replace("{count}", items.length);
      open(items.length > 0);
    }
    function ask() {
      var query = input.value.trim();
      var mine = ++asked;
      if (query.length < MIN_CHARS) { show([]); status.textContent = ""; return; }
      var url = input.dataset.addressSuggest + "?limit=" + LIMIT + "&q=" + encodeURIComponent(query.slice(0, 100));
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { items: [] }; })
        .then(function (data) { if (mine === asked) show(data.items || []); })
        .catch(function () { if (mine === asked) show([]); }); // offline: the box still takes text
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, WAIT_MS);
    });
    input.addEventListener("keydown", function (event) {
      var count = options.length;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!count) return;
        event.preventDefault();
        var down = event.key === "ArrowDown";
        if (list.hidden) { open(true); activate(down ? 0 : count - 1); return; }
        if (event.altKey) return;
        activate(down ? (active + 1) % count : (active <= 0 ? count - 1 : active - 1));
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault(); // take the address, do not send the form yet
        choose(active);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        open(false);
      } else if (event.key === "Tab") {
        open(false);
      }
    });
    input.addEventListener("blur", function () { open(false); });
  }

  document.querySelectorAll("input[data-address-suggest]").forEach(enhance);
})();
