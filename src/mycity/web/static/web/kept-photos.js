// Photos survive a form that comes back with an error (or from signing in): a browser
// never fills a file box from the server's page, so the photos being sent are kept on
// this phone (IndexedDB, under the form's idempotency key) and put back in the box when
// the same form returns, and the resident is told so.
//
// Kept here rather than on the server: nothing of a report that was not sent is stored
// by the city (no unsent personal photos to guard, serve or sweep), and the kept copies
// are the ones already shrunk for sending. They expire after an hour and go when the
// resident signs out (web/report-queue.js). Without JavaScript the page says the photos
// must be chosen again.
(function () {
  "use strict";
  var DB = "mycity-kept-photos";
  var STORE = "photos";
  var KEEP_MS = 60 * 60 * 1000;
  var input = document.querySelector("input[type=file][data-keep-photos]");
  if (!input || !("indexedDB" in window) || typeof DataTransfer !== "function") return;
  var form = input.form;
  var keyField = form && form.querySelector("input[name=key]");
  if (!keyField) return;

  function store(mode, work) {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "key" });
      };
      request.onerror = function () { reject(request.error); };
      request.onsuccess = function () {
        var db = request.result;
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(result && result.result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      };
    });
  }

  function forgetOld() {
    return store("readwrite", function (s) {
      var cursor = s.openCursor();
      cursor.onsuccess = function () {
        var entry = cursor.result;
        if (!entry) return;
        if (Date.now() - entry.value.keptAt > KEEP_MS) entry.delete();
        entry.continue();
      };
    });
  }

  function tell(count) {
    var note = document.getElementById(input.dataset.keepPhotos);
    if (!note) return;
    note.textContent = note.dataset.kept.replace("{count}", count);
    note.classList.remove("error");
    note.hidden = false;
  }

  // After the photos are shrunk (web/shrink-photos.js prevents the first submit); a
  // report queued offline keeps its photos in the queue instead.
  form.addEventListener("submit", function (event) {
    if (event.defaultPrevented || !navigator.onLine) return;
    var files = Array.prototype.slice.call(input.files);
    var key = keyField.value;
    if (!files.length) {
      store("readwrite", function (s) { s.delete(key); }).catch(function () {});
      return;
    }
    store("readwrite", function (s) {
      s.put({ key: key, files: files, keptAt: Date.now() });
    }).catch(function () { /* the photos are sent; only the copy is missing */ });
  });

  forgetOld().then(function () {
    if (!input.hasAttribute("data-restore")) {
      // A new form: whatever an earlier one kept was sent or given up.
      return store("readwrite", function (s) { s.clear(); });
    }
    return store("readonly", function (s) { return s.get(keyField.value); }).then(function (entry) {
      if (!entry || !entry.files.length || input.files.length) return;
      var chosen = new DataTransfer();
      entry.files.forEach(function (file) { chosen.items.add(file); });
      input.files = chosen.files;
      tell(entry.files.length);
    });
  }).catch(function () { /* the page says to choose them again */ });
})();
