// Remembers the city whose page this is, so that "/" opens it next time
// (mycity.web.choice.chosen_city reads the cookie). Written here, in the browser, rather
// than by the server: a public page that answered Set-Cookie could be kept by no shared
// cache, and these pages are the same for every anonymous reader.
(function () {
  "use strict";
  var script = document.currentScript;
  var slug = script && script.dataset.city;
  if (!slug) return;
  var name = script.dataset.cookie;
  var current = document.cookie.split("; ").filter(function (pair) {
    return pair.indexOf(name + "=") === 0;
  })[0];
  if (current === name + "=" + encodeURIComponent(slug)) return;
  document.cookie = name + "=" + encodeURIComponent(slug) + "; Path=/; Max-Age=" +
    script.dataset.maxAge + "; SameSite=Lax" +
    (location.protocol === "https:" ? "; Secure" : "");
})();
