// The console in the street (mycity.console.field): the phone keeps a shortlist of
// today's appeals (IndexedDB) and the page to show it (the Cache API), so an executor
// can work where there is no connection; what they do then waits on the phone and is
// sent when the connection returns.
//
// Never twice: every prepared step (taking work, an answer with its after-photo)
// carries its own idempotency key, which the API answers with the appeal whatever the
// number of tries (mycity.appeals.actions.once); a step leaves the phone only once
// the server has answered; one tab sends at a time (a Web Lock).
//
// Nothing stays for the next person: the shortlist is kept for the person signed in,
// dropped when another person opens the page, and signing out deletes it all
// (web/app.js).
(function () {
  "use strict";
  var root = document.getElementById("field");
  if (!root || !("indexedDB" in window)) return;
  var t = root.dataset;
  var me = t.user;
  var DB = "mycity-field";
  var CACHE = "field-shell";
  var results = t.results.split("|").map(function (pair) { return pair.split("="); });

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore("shortlist", { keyPath: "city" });
        request.result.createObjectStore("steps", { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function store(name, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(name, mode);
        var result = work(tx.objectStore(name));
        tx.oncomplete = function () { db.close(); resolve(result && result.result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function kept() { return store("shortlist", "readonly", function (s) { return s.get(t.city); }); }
  function keep(list) { return store("shortlist", "readwrite", function (s) { s.put(list); }); }
  function steps() {
    return store("steps", "readonly", function (s) { return s.getAll(); }).then(function (all) {
      return all.filter(function (step) { return step.user === me; })
        .sort(function (a, b) { return a.order - b.order; });
    });
  }
  function putStep(step) { return store("steps", "readwrite", function (s) { s.put(step); }); }
  function dropStep(key) { return store("steps", "readwrite", function (s) { s.delete(key); }); }

  // Another person's shortlist and steps never show or leave from this session.
  function forgetOthers() {
    return open().then(function (db) {
      return new Promise(function (resolve) {
        var tx = db.transaction(["shortlist", "steps"], "readwrite");
        ["shortlist", "steps"].forEach(function (name) {
          var s = tx.objectStore(name);
          s.getAll().onsuccess = function (event) {
            event.target.result.forEach(function (row) {
              if (String(row.user) !== String(me)) s.delete(name === "steps" ? row.key : row.city);
            });
          };
        });
        tx.oncomplete = tx.onerror = function () { db.close(); resolve(); };
      });
    });
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(16) + Math.random().toString(16).slice(2);
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function when(iso) {
    var d = new Date(iso);
    return d.toLocaleString(document.documentElement.lang || undefined, {
      day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit",
    });
  }

  // --- keeping the shortlist --------------------------------------------------------

  var keepState = root.querySelector("[data-keep-state]");
  var keepButton = root.querySelector("[data-keep]");

  function sayKept(list) {
    keepState.textContent = list && list.appeals
      ? t.kept + " " + list.appeals.length + " · " + when(list.saved_at)
      : t.keptNone;
  }

  // The shortlist, and the page without appeals that shows it offline, stored under
  // this page's own address so the service worker finds it when the network is gone.
  function refresh() {
    var assets = t.assets.split(" ").filter(Boolean);
    return fetch(t.shortlistUrl, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (list) {
        if (String(list.user) !== String(me)) throw new Error("someone else");
        return keep(list).then(function () { return list; });
      })
      .then(function (list) {
        if (!("caches" in window)) return list;
        return caches.open(CACHE).then(function (cache) {
          return fetch(t.shellUrl, { credentials: "same-origin" }).then(function (shell) {
            if (!shell.ok) throw new Error(shell.status);
            return cache.put(t.fieldUrl, shell);
          }).then(function () { return cache.addAll(assets); });
        }).then(function () { return list; });
      });
  }

  if (keepButton) {
    keepButton.hidden = false;
    keepButton.addEventListener("click", function () {
      keepButton.disabled = true;
      refresh().then(sayKept, function () { keepState.textContent = t.keepFailed; })
        .then(function () { keepButton.disabled = false; });
    });
  }

  // --- the offline list ---------------------------------------------------------------

  var keptList = root.querySelector("[data-kept-list]");
  var liveList = root.querySelector("[data-live-list]");

  function way(appeal) {
    if (!appeal.navigation) return null;
    return el("p", { class: "field-way" }, [
      el("a", { href: appeal.navigation.geo, text: t.go }),
      el("a", { href: appeal.navigation.map, rel: "noopener", target: "_blank", text: t.map }),
    ]);
  }

  function startForm(appeal, pending) {
    if (!appeal.can_start) return null;
    if (pending.some(function (s) { return s.kind === "start"; })) {
      return el("p", { class: "field-pending", text: t.started });
    }
    var button = el("button", { type: "button", class: "primary", text: t.start });
    button.addEventListener("click", function () {
      prepare(appeal, { kind: "start" }).then(render);
    });
    return button;
  }

  function answerForm(appeal, pending) {
    var startPending = pending.some(function (s) { return s.kind === "start"; });
    if (!appeal.can_answer && !startPending) return null;
    if (pending.some(function (s) { return s.kind === "answer"; })) return null;
    var id = "field-answer-" + appeal.id;
    var select = el("select", { name: "result", id: id + "-result" },
      results.map(function (pair) {
        var option = el("option", { value: pair[0], text: pair[1] });
        if (pair[0] === "satisfied") option.selected = true;
        return option;
      }));
    var form = el("form", { class: "field-answer" }, [
      el("label", { for: id + "-text", text: t.answer }),
      el("textarea", { id: id + "-text", name: "text", rows: "4", required: "", maxlength: "5000" }),
      el("label", { for: id + "-result", text: t.result }),
      select,
      el("label", { for: id + "-photo", text: t.photo }),
      el("input", { id: id + "-photo", type: "file", name: "files", accept: "image/*", capture: "environment" }),
      el("button", { type: "submit", class: "primary", text: t.prepare }),
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var photo = form.elements.files.files[0];
      var file = photo ? { blob: photo, name: photo.name, type: photo.type } : null;
      prepare(appeal, {
        kind: "answer",
        text: form.elements.text.value,
        result: form.elements.result.value,
        file: file,
      }).then(render);
    });
    return form;
  }

  function pendingLine(step) {
    var label = step.kind === "start" ? t.started : t.answer + ": «" + step.text.slice(0, 60) + "»";
    var line = el("p", { class: "field-pending" });
    if (step.refused) {
      line.textContent = t.refused + " " + label + " — " + step.refused + " ";
      var discard = el("button", { type: "button", class: "link", text: t.discard });
      discard.addEventListener("click", function () { dropStep(step.key).then(render); });
      line.appendChild(discard);
    } else {
      line.textContent = (step.kind === "answer" ? label + " — " : "") + t.waiting;
    }
    return line;
  }

  function card(appeal, pending) {
    return el("li", { class: "field-item state-" + appeal.deadline_state, "data-appeal": String(appeal.id) }, [
      el("h2", { text: appeal.number + " · " + appeal.category }),
      el("p", { class: "field-address", text: appeal.address || "—" }),
      el("p", { text: appeal.status_label + " · " + t.deadline + ": " + when(appeal.deadline) }),
      el("p", { class: "field-text", text: appeal.text }),
      way(appeal),
    ].concat(pending.map(pendingLine), [startForm(appeal, pending), answerForm(appeal, pending)]));
  }

  function render() {
    return Promise.all([kept(), steps()]).then(function (both) {
      var list = both[0];
      var waiting = both[1];
      sayKept(list);
      showOutbox(waiting);
      if (!keptList || (keptList.hidden && !offlineNow())) return;
      keptList.replaceChildren();
      if (!list || !list.appeals.length) {
        keptList.appendChild(el("li", { text: t.empty }));
        return;
      }
      list.appeals.forEach(function (appeal) {
        var pending = waiting.filter(function (s) { return s.appeal === appeal.id; });
        keptList.appendChild(card(appeal, pending));
      });
    });
  }

  function offlineNow() { return t.shell === "1" || !navigator.onLine; }

  function showOffline() {
    if (!keptList) return;
    if (liveList) liveList.hidden = true;
    keptList.hidden = false;
    keepState.textContent = t.offline;
    render().then(function () { keepState.textContent = t.offline; });
  }

  // --- the steps that wait on the phone ------------------------------------------------

  var outbox = root.querySelector("[data-outbox]");

  function showOutbox(waiting) {
    var sent = outbox.querySelectorAll("[data-sent]");
    outbox.replaceChildren();
    Array.prototype.forEach.call(sent, function (line) { outbox.appendChild(line); });
    waiting.filter(function (s) { return s.needsSignIn; }).slice(0, 1).forEach(function () {
      outbox.appendChild(el("p", { text: t.signIn }));
    });
    outbox.hidden = !outbox.children.length;
  }

  function prepare(appeal, step) {
    return steps().then(function (waiting) {
      step.key = newKey();
      step.user = me;
      step.appeal = appeal.id;
      step.number = appeal.number;
      step.order = Date.now() + waiting.length;
      return putStep(step);
    }).then(flush);
  }

  function token() {
    var cookie = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (cookie) return decodeURIComponent(cookie[1]);
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function currentVersion(appealId) {
    return kept().then(function (list) {
      var appeal = list && list.appeals.find(function (a) { return a.id === appealId; });
      return appeal ? appeal.version : null;
    });
  }

  // The appeal as the server now has it: the next step of it uses its version.
  function remember(appealOut) {
    return kept().then(function (list) {
      if (!list) return;
      list.appeals.forEach(function (appeal) {
        if (appeal.id !== appealOut.id) return;
        appeal.version = appealOut.version;
        appeal.status = appealOut.status;
        appeal.status_label = appealOut.status_name;
        appeal.can_start = appealOut.moves.indexOf("start") >= 0;
        appeal.can_answer = appealOut.moves.indexOf("answer") >= 0;
      });
      return keep(list);
    });
  }

  function request(step, version) {
    var headers = { "Idempotency-Key": step.key, "X-CSRFToken": token() };
    if (step.kind === "start") {
      headers["Content-Type"] = "application/json";
      return fetch("/api/v1/appeals/" + step.appeal + "/moves", {
        method: "POST", credentials: "same-origin", headers: headers,
        body: JSON.stringify({ move: "start", expected_version: version }),
      });
    }
    var body = new FormData();
    body.append("text", step.text);
    body.append("result", step.result);
    if (version !== null) body.append("expected_version", String(version));
    if (step.file) body.append("after_photos", step.file.blob, step.file.name || "photo.jpg");
    return fetch("/api/v1/appeals/" + step.appeal + "/answer", {
      method: "POST", credentials: "same-origin", headers: headers, body: body,
    });
  }

  // One step: true when it is done with (sent, or refused and kept to show why), false
  // to stop and try again later.
  function send(step) {
    // A retry sends exactly what the first try did, so the server knows it.
    var version = "version" in step ? Promise.resolve(step.version) : currentVersion(step.appeal);
    return version.then(function (v) {
      step.version = v;
      return putStep(step).then(function () { return request(step, v); });
    }).then(function (response) {
      if (response.ok) {
        return response.json().then(remember).then(function () {
          return dropStep(step.key);
        }).then(function () {
          outbox.appendChild(el("p", { "data-sent": "", text: t.sent + ": " + step.number }));
          return true;
        });
      }
      if (response.status === 401 || response.status === 403) {
        step.needsSignIn = true;
        return putStep(step).then(function () { return false; });
      }
      if (response.status >= 400 && response.status < 500) {
        return response.json().catch(function () { return {}; }).then(function (problem) {
          step.refused = problem.message || response.statusText;
          return putStep(step).then(function () { return true; });
        });
      }
      return false; // the server is busy or broken: later
    }, function () { return false; }); // no connection after all
  }

  var sending = false;
  function flush() {
    if (sending || !navigator.onLine) return render();
    sending = true;
    var pass = function () {
      return steps().then(function (waiting) {
        var due = waiting.filter(function (s) { return !s.refused; });
        var blocked = {};
        return due.reduce(function (chain, step) {
          return chain.then(function () {
            // An appeal's steps go in order: an answer waits for its taking into work.
            if (blocked[step.appeal]) return;
            return send(step).then(function (done) {
              if (!done || step.refused) blocked[step.appeal] = true;
            });
          });
        }, Promise.resolve());
      });
    };
    var run = navigator.locks ? navigator.locks.request("mycity-field-steps", pass) : pass();
    return run.catch(function () {}).then(function () {
      sending = false;
      return steps();
    }).then(function (left) {
      // A step that failed on a connection just back (or a busy server) is tried again
      // by itself, sooner first: the "online" event comes only once.
      var waiting = (left || []).some(function (s) { return !s.refused && !s.needsSignIn; });
      if (waiting && navigator.onLine) {
        retryIn = Math.min(retryIn * 2, 60000);
        setTimeout(flush, retryIn);
      } else {
        retryIn = 1000;
      }
      return render();
    });
  }
  var retryIn = 1000;

  window.addEventListener("online", function () {
    flush().then(function () {
      if (t.shell !== "1" && navigator.onLine) refresh().then(sayKept, function () {});
    });
  });
  window.addEventListener("offline", showOffline);

  forgetOthers().then(function () {
    if (offlineNow()) {
      showOffline();
      return flush();
    }
    return flush().then(kept).then(function (list) {
      // Opened with a connection: what is kept is brought up to date.
      if (list && t.shell !== "1") return refresh().then(sayKept, function () {});
    });
  });
})();
