// The "Share" button of a public report's page: the phone's own share sheet where
// there is one, else the link copied. Without JavaScript the link is there to copy.
(function () {
  "use strict";
  var button = document.querySelector("[data-share]");
  var link = document.getElementById("share-link");
  if (!button || !link) return;
  var said = document.querySelector("[data-share-said]");
  if (!navigator.share && !(navigator.clipboard && navigator.clipboard.writeText)) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    if (navigator.share) {
      navigator.share({ title: button.dataset.title, url: link.value }).catch(function () {});
      return;
    }
    navigator.clipboard.writeText(link.value).then(function () {
      if (said) said.textContent = button.dataset.copied;
    });
  });
})();
