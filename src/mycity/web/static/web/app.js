// The citizen app's own script: installs the service worker (mycity.web.pwa) and,
// on sign-out, asks it to forget the pages kept for offline use.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/" });
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches && form.matches("[data-sign-out]") && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage("forget-pages");
    }
  });
})();
