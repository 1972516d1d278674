// Reports made without a connection wait on the phone (IndexedDB) and are sent when the
// connection returns, by whichever page of the app is open then.
//
// Never twice: each waiting report carries its own idempotency key, which the server
// answers with the first submission's appeal; a report is removed from the queue only
// once the server has answered with the appeal's page; one tab sends at a time (a Web
// Lock), and a page sends one pass at a time.
(function () {
  "use strict";
  var DB = "mycity";
  var STORE = "waiting-reports";
  var box = document.getElementById("report-queue");
  if (!box || !("indexedDB" in window)) return;
  var texts = box.dataset;
  // Whose phone this is now: a report waits for the resident who made it.
  var me = box.dataset.user || "";

  function mine(entry) {
    return !entry.user || entry.user === me;
  }

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function store(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(result && result.result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function all() { return store("readonly", function (s) { return s.getAll(); }); }
  function put(entry) { return store("readwrite", function (s) { s.put(entry); }); }
  function remove(key) { return store("readwrite", function (s) { s.delete(key); }); }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    return Date.now().toString(16) + Math.random().toString(16).slice(2);
  }

  function say(parts) {
    box.replaceChildren();
    parts.forEach(function (part) { box.appendChild(part); });
    box.hidden = parts.length === 0;
  }

  function line(text, link, button) {
    var item = document.createElement("p");
    item.textContent = text + " ";
    if (link) {
      var a = document.createElement("a");
      a.href = link.href;
      a.textContent = link.text;
      item.appendChild(a);
    }
    if (button) item.appendChild(button);
    return item;
  }

  function describe(entry) {
    var words = entry.summary.length > 60 ? entry.summary.slice(0, 60) + "…" : entry.summary;
    return "«" + words + "»";
  }

  function discardButton(entry) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "link";
    button.textContent = texts.discard;
    button.addEventListener("click", function () { remove(entry.key).then(show); });
    return button;
  }

  // A sent report is told of until the resident has seen it: on every page (a page
  // left before the news came would lose it) until dismissed or its appeal is opened.
  function dismissButton(entry) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "link";
    button.textContent = texts.dismiss;
    button.addEventListener("click", function () { remove(entry.key).then(function () { return show(); }); });
    return button;
  }

  function show(extra) {
    return all().then(function (entries) {
      var here = entries.filter(function (e) { return e.sent && new URL(e.sent, location.href).pathname === location.pathname; });
      return Promise.all(here.map(function (e) { return remove(e.key); })).then(function () {
        return entries.filter(function (e) { return here.indexOf(e) < 0; });
      });
    }).then(function (entries) {
      var parts = entries.filter(mine).map(function (entry) {
        if (entry.sent) {
          var told = line(texts.sent + " " + describe(entry), { href: entry.sent, text: texts.open }, null);
          told.appendChild(document.createTextNode(" "));
          told.appendChild(dismissButton(entry));
          return told;
        }
        if (entry.refused) {
          return line(texts.refused + " " + describe(entry) + ": " + entry.refused, null,
                      discardButton(entry));
        }
        if (entry.needsSignIn) {
          return line(texts.signIn + " " + describe(entry), {
            href: "/accounts/login/?next=" + encodeURIComponent(location.pathname),
            text: texts.signInLink,
          });
        }
        return line(texts.waiting + " " + describe(entry));
      });
      say((extra || []).concat(parts));
    });
  }

  // The browser's own CSRF cookie first: a page kept offline is an anonymous copy
  // (web/sw.js), whose form carries the token of no cookie this browser holds.
  function currentToken(entry) {
    var cookie = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (cookie) return decodeURIComponent(cookie[1]);
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : entry.token;
  }

  // Whether the browser is signed in, when the page cannot say: an anonymous copy kept
  // offline names nobody. Reports queued on such a page (no `user`) are then sent.
  function signedIn() {
    if (me) return Promise.resolve(true);
    return fetch("/api/v1/me/appeals?limit=1", { credentials: "same-origin" })
      .then(function (response) { return response.ok; }, function () { return false; });
  }

  function send(entry) {
    var body = new FormData();
    entry.fields.forEach(function (pair) {
      if (pair[0] === "csrfmiddlewaretoken") return;
      if (pair[1] instanceof Blob) body.append(pair[0], pair[1], pair[1].name);
      else body.append(pair[0], pair[1]);
    });
    body.append("csrfmiddlewaretoken", currentToken(entry));
    return fetch(entry.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      // The server answers 401 rather than keeping a draft in the session: the
      // report stays here until its author is signed in.
      headers: { "X-Queued-Report": "1" },
    })
      .then(function (response) {
        var path = new URL(response.url).pathname;
        if (response.ok && /^\/my\/appeals\/\d+\/$/.test(path)) {
          // Kept, without its fields and photos, as the news that it was sent.
          return put({ key: entry.key, sent: path, summary: entry.summary, user: entry.user })
            .then(function () { return true; });
        }
        if (response.status === 401 || (response.ok && path.indexOf("/accounts/") === 0)) {
          entry.needsSignIn = true;
          return put(entry).then(function () { return null; });
        }
        if (response.status === 400 || response.status === 409 || response.status === 422) {
          return response.text().then(function (html) {
            var page = new DOMParser().parseFromString(html, "text/html");
            var alert = page.querySelector("main [role=alert]");
            entry.refused = (alert ? alert.textContent : response.statusText).trim().replace(/\s+/g, " ");
            return put(entry).then(function () { return null; });
          });
        }
        return null; // the server is busy or broken: try again later
      }, function () { return null; }); // no connection after all
  }

  var sending = false;
  function flush() {
    if (sending || !navigator.onLine) return Promise.resolve();
    sending = true;
    var pass = function () {
      return all().then(function (entries) {
        var waiting = entries.filter(function (e) { return !e.refused && !e.sent && mine(e); });
        if (!waiting.length) return [];
        return signedIn().then(function (known) { return known ? waiting : []; });
      }).then(function (due) {
        return due.reduce(function (chain, entry) {
          return chain.then(function (sent) {
            return send(entry).then(function () { return sent; });
          });
        }, Promise.resolve([]));
      }).then(show);
    };
    var run = navigator.locks
      ? navigator.locks.request("mycity-waiting-reports", pass)
      : pass();
    return run.catch(function () {}).then(function () { sending = false; });
  }

  function queue(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      fields.push([name, value]);
    });
    var keyField = form.querySelector("input[name=key]");
    // Never sent under the page's key: a page kept offline may be filled twice.
    var key = newKey();
    fields = fields.map(function (pair) { return pair[0] === "key" ? ["key", key] : pair; });
    var summary = form.querySelector("textarea");
    return put({
      key: key,
      action: form.action,
      fields: fields,
      token: (form.querySelector("input[name=csrfmiddlewaretoken]") || {}).value,
      summary: summary ? summary.value : "",
      user: me,
      queuedAt: new Date().toISOString(),
    }).then(function () {
      form.reset();
      if (keyField) keyField.value = newKey();
      delete form.dataset.shrunk;
      return show([line(texts.queued)]);
    }).then(function () { box.focus(); });
  }

  // After the photos are shrunk (web/shrink-photos.js prevents the first submit).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.matches || !form.matches("[data-queue-offline]")) return;
    if (navigator.onLine) return;
    event.preventDefault();
    queue(form).catch(function () { form.submit(); });
  });

  // Signing out on a shared phone takes the resident's waiting reports with them, and
  // those queued on an anonymous copy kept offline (no `user`): whoever made them was
  // signed in here, and the next person to sign in must not send them as their own.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-sign-out]") || !me) return;
    indexedDB.deleteDatabase("mycity-kept-photos"); // web/kept-photos.js
    all().then(function (entries) {
      entries.filter(function (e) { return !e.user || e.user === me; })
        .forEach(function (e) { remove(e.key); });
    });
  });

  window.addEventListener("online", flush);
  show().then(flush);
})();
