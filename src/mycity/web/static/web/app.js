// The citizen app's own script: installs the service worker (mycity.web.pwa) and,
// on sign-out, asks it to forget the pages kept for offline use and stops this
// browser's push notifications.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/" });
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-sign-out]")) return;
    if (navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage("forget-pages");
    }
    // A shared phone: the field shortlist of an executor (console/field.js) and what
    // they prepared offline go with them, before the page is gone (at most a second).
    if (!form.dataset.forgotten) {
      event.preventDefault();
      form.dataset.forgotten = "1";
      var forgotten = Promise.all([
        window.caches ? caches.delete("field-shell") : null,
        new Promise(function (resolve) {
          var request = indexedDB.deleteDatabase("mycity-field");
          request.onsuccess = request.onerror = request.onblocked = resolve;
        }),
      ]);
      var later = new Promise(function (resolve) { setTimeout(resolve, 1000); });
      Promise.race([forgotten, later]).then(function () { form.submit(); });
    }
    // A shared computer: the next person must not get this resident's pushes.
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    navigator.serviceWorker.ready.then(function (registration) {
      return registration.pushManager && registration.pushManager.getSubscription();
    }).then(function (subscription) {
      if (!subscription) return;
      fetch("/api/v1/me/push-subscriptions/remove", {
        method: "POST",
        credentials: "same-origin",
        keepalive: true,
        headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
        body: JSON.stringify({ endpoint: subscription.endpoint }),
      });
      subscription.unsubscribe();
    });
  });
})();
