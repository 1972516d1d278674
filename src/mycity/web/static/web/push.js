// Lets this browser receive the resident's notifications by Web Push: asks the
// browser's permission, subscribes with the site's VAPID key and tells the site
// (/api/v1/me/push-subscriptions). Shown only where the browser can do it.
(function () {
  "use strict";
  var button = document.querySelector("[data-push-subscribe]");
  if (!button || !("serviceWorker" in navigator) || !("PushManager" in window)) return;
  var status = document.getElementById(button.dataset.status);
  var key = button.dataset.key;
  if (!key) return;
  button.hidden = false;

  function bytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4))
      .replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded), function (c) { return c.charCodeAt(0); });
  }

  function say(text) { status.textContent = text; }

  button.addEventListener("click", function () {
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") throw new Error("denied");
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      return registration.pushManager.subscribe({
        userVisibleOnly: true, applicationServerKey: bytes(key),
      });
    }).then(function (subscription) {
      var token = document.querySelector("input[name=csrfmiddlewaretoken]").value;
      return fetch("/api/v1/me/push-subscriptions", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify(subscription.toJSON()),
      });
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      say(button.dataset.done);
    }).catch(function (error) {
      say(error && error.message === "denied" ? button.dataset.denied : button.dataset.failed);
    });
  });
})();
