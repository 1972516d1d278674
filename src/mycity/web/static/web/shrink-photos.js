// Photos are shrunk in the browser before they are sent: a phone's 12-megapixel picture
// becomes a 1600 px JPEG of a few hundred KB, which a slow mobile connection sends in
// seconds. Any failure (an old browser, a format it cannot read) sends the files as they
// are; the server checks and cleans them either way.
(function () {
  "use strict";
  var LONG_SIDE = 1600;
  var QUALITY = 0.85;

  function shrink(file) {
    if (!/^image\//.test(file.type) || typeof createImageBitmap !== "function") {
      return Promise.resolve(file);
    }
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, LONG_SIDE / Math.max(bitmap.width, bitmap.height));
      if (scale === 1 && file.type === "image/jpeg") return file;
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          resolve(blob ? new File([blob], name, { type: "image/jpeg" }) : file);
        }, "image/jpeg", QUALITY);
      });
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var input = form.querySelector && form.querySelector("input[type=file][data-shrink]");
    if (!input || !input.files.length || form.dataset.shrunk) return;
    event.preventDefault();
    Promise.all(Array.prototype.map.call(input.files, shrink))
      .then(function (files) {
        var chosen = new DataTransfer();
        files.forEach(function (file) { chosen.items.add(file); });
        input.files = chosen.files;
      })
      .catch(function () { /* send them as they are */ })
      .then(function () {
        form.dataset.shrunk = "true";
        form.requestSubmit ? form.requestSubmit() : form.submit();
      });
  });
})();
