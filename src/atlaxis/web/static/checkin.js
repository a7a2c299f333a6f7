/* atlaxis daily check-in: body map, 0-10 ratings with a number fallback, low-energy mode,
   "same as last time", and an offline queue. Entries are kept in localStorage and sent with
   an Idempotency-Key, so a retry never stores an entry twice. No dependencies, no build. */
(function () {
  "use strict";
  var form = document.getElementById("checkin");
  if (!form) { return; }
  var QUEUE = "atlaxis.checkin.queue.v1", FAILED = "atlaxis.checkin.failed.v1";
  var LOW = "atlaxis.checkin.low", CORE = ["pain", "fatigue", "sleep_quality"];
  var statusEl = document.getElementById("status"), queueEl = document.getElementById("queue");
  var dateEl = form.elements.date, sending = false, OWNER = form.getAttribute("data-owner") || "";

  function all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function msg(name) { return form.getAttribute("data-msg-" + name) || ""; }
  function say(text) { statusEl.textContent = text; }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function today() { var d = new Date(); return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()); }
  function now() { var d = new Date(); return pad(d.getHours()) + ":" + pad(d.getMinutes()); }
  function newKey() {
    var a = new Uint8Array(16); window.crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return pad16(b); }).join("");
  }
  function pad16(b) { return ("0" + b.toString(16)).slice(-2); }
  function load(key) { try { return JSON.parse(localStorage.getItem(key || QUEUE) || "[]"); } catch (e) { return []; } }
  function store(q, key) { try { localStorage.setItem(key || QUEUE, JSON.stringify(q)); return true; } catch (e) { return false; } }
  /* a queued entry is sent only while its own patient is signed in (shared phones) */
  function mine(item) { return !item.owner || item.owner === OWNER; }
  function own() { return load().filter(mine); }
  function ratingIds() { return all(".rating", form).map(function (f) { return f.id.slice(2); }); }

  /* body map: SVG regions become checkboxes that mirror the list of real checkboxes */
  function box(site) { return document.getElementById("site-" + site); }
  function syncSite(site) {
    var on = box(site).checked;
    all('.site[data-site="' + site + '"]').forEach(function (el) {
      el.classList.toggle("on", on);
      if (el.getAttribute("data-focus") === "1") { el.setAttribute("aria-checked", String(on)); }
    });
    var n = all('input[name="body_map"]:checked', form).length, c = document.getElementById("site-count");
    c.textContent = c.getAttribute("data-template").replace("{n}", n);
  }
  function toggleSite(site) { box(site).checked = !box(site).checked; syncSite(site); }
  function initMap() {
    all(".bodymap svg").forEach(function (svg) {
      svg.removeAttribute("aria-hidden"); svg.setAttribute("role", "group");
      svg.setAttribute("aria-label", svg.getAttribute("data-label"));
    });
    all(".bodymap .site").forEach(function (el) {
      var site = el.getAttribute("data-site");
      if (el.getAttribute("data-focus") === "1") {
        el.setAttribute("tabindex", "0"); el.setAttribute("role", "checkbox");
        el.setAttribute("aria-label", box(site).parentNode.textContent.trim());
        el.setAttribute("aria-checked", String(box(site).checked));
      } else { el.setAttribute("aria-hidden", "true"); }
      el.addEventListener("click", function () { toggleSite(site); });
      el.addEventListener("keydown", function (e) {
        if (e.key === " " || e.key === "Enter") { e.preventDefault(); toggleSite(site); }
      });
    });
    all('input[name="body_map"]', form).forEach(function (b) {
      b.addEventListener("change", function () { syncSite(b.value); });
    });
    var list = document.getElementById("site-list");
    if (list) { list.open = false; }
  }

  /* ratings: a tapped number fills the typed field and the other way round */
  function setRating(id, value) {
    var num = document.getElementById("n-" + id);
    num.value = value === undefined || value === null ? "" : String(value);
    all('input[name="' + id + '"]', form).forEach(function (r) { r.checked = r.value === num.value; });
  }
  function initRatings() {
    ratingIds().forEach(function (id) {
      var fs = document.getElementById("f-" + id), num = document.getElementById("n-" + id);
      var checked = form.querySelector('input[name="' + id + '"]:checked');
      if (checked) { num.value = checked.value; }
      fs.addEventListener("change", function (e) { if (e.target.type === "radio") { num.value = e.target.value; } });
      num.addEventListener("input", function () { setRating(id, num.value.trim()); });
    });
  }

  /* low-energy mode: only pain, tiredness and sleep */
  function isLow() { return form.classList.contains("low-energy"); }
  function setLow(on) {
    var t = document.getElementById("low-toggle");
    form.classList.toggle("low-energy", on);
    form.elements.mode.value = on ? "low" : "";
    t.textContent = t.getAttribute("data-on");
    t.setAttribute("aria-pressed", String(on));
    form.querySelector(".low-note").hidden = !on;
    try { localStorage.setItem(LOW, on ? "1" : ""); } catch (e) { /* private mode */ }
  }
  function initLow() {
    var t = document.getElementById("low-toggle");
    t.setAttribute("role", "button");
    t.addEventListener("click", function (e) { e.preventDefault(); setLow(!isLow()); });
    var stored = null;
    try { stored = localStorage.getItem(LOW); } catch (e) { /* private mode */ }
    setLow(isLow() || stored === "1");
  }

  /* "same as last time": the newest entry (queued on this phone, else the last stored) */
  function lastEntry() {
    var q = own();
    if (q.length) { return q[q.length - 1].payload; }
    var raw = form.getAttribute("data-last");
    return raw ? JSON.parse(raw) : null;
  }
  function fill(entry) {
    var items = entry.items || {}, sites = entry.body_map || [];
    ratingIds().forEach(function (id) { setRating(id, items[id]); });
    all('input[name="body_map"]', form).forEach(function (b) { b.checked = sites.indexOf(b.value) >= 0; syncSite(b.value); });
  }
  function initSame() {
    var same = document.getElementById("same");
    if (!same) { return; }
    same.setAttribute("role", "button");
    same.addEventListener("click", function (e) {
      var last = lastEntry();
      if (!last) { return; }
      e.preventDefault(); fill(last); say(msg("copied"));
    });
  }

  /* the day: today on this phone unless a missed day is chosen (then marked recalled) */
  function markRecalled() {
    var past = !!dateEl.value && dateEl.value < today();
    form.elements.recalled.value = past ? "1" : "";
    document.getElementById("recalled-note").hidden = !past;
  }
  function initDate() {
    if (dateEl.value === form.getAttribute("data-today")) { dateEl.value = today(); }
    dateEl.max = today() > dateEl.max ? today() : dateEl.max;
    dateEl.addEventListener("change", markRecalled);
    markRecalled();
  }

  /* collect, queue, send */
  function collect() {
    var low = isLow(), items = {}, p;
    (low ? CORE : ratingIds()).forEach(function (id) {
      var v = document.getElementById("n-" + id).value.trim();
      if (v !== "") { items[id] = parseInt(v, 10); }
    });
    p = { date: dateEl.value || today(), time: now(), items: items, recalled: form.elements.recalled.value === "1" };
    if (!low) {
      var sites = all('input[name="body_map"]:checked', form).map(function (b) { return b.value; });
      var note = form.elements.note.value.trim();
      if (sites.length) { p.body_map = sites; }
      if (note) { p.note = note; }
    }
    return p;
  }
  function invalid(p) {
    var bad = ratingIds().filter(function (id) {
      var n = document.getElementById("n-" + id);
      return n.value !== "" && (!n.validity.valid || +n.value < 0 || +n.value > 10);
    });
    if (bad.length) { return bad[0]; }
    return Object.keys(p.items).length || p.body_map || p.note ? null : "pain";
  }
  function showQueue(extra) {
    var n = own().length;
    queueEl.hidden = n === 0 && !extra;
    queueEl.textContent = (n ? msg("waiting").replace("{n}", n) + " " : "") + (extra || "");
  }
  function counted(p) {
    if (p.date !== today()) { return; }
    var c = document.getElementById("today-count"), n = parseInt(c.getAttribute("data-n") || "0", 10) + 1;
    c.setAttribute("data-n", String(n));
    c.textContent = c.getAttribute("data-template").replace("{n}", n);
  }
  function drop(key) { store(load().filter(function (i) { return i.key !== key; })); }
  function flush() {
    var q = own();
    if (sending || !q.length) { showQueue(); return; }
    sending = true;
    var item = q[0];
    fetch(form.getAttribute("data-sync"), {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": form.elements.csrf_token.value, "Idempotency-Key": item.key },
      body: JSON.stringify(item.payload)
    }).then(function (res) {
      sending = false;
      if (res.ok) { drop(item.key); counted(item.payload); say(msg("sent")); flush(); return; }
      if (res.status === 401 || res.status === 403) { showQueue(msg("signin")); return; }
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
        var failed = load(FAILED); failed.push(item); store(failed, FAILED); drop(item.key);
        return res.json().then(function (b) { say(msg("rejected").replace("{detail}", b.detail || res.status)); }, function () { say(msg("rejected").replace("{detail}", res.status)); }).then(flush);
      }
      showQueue();
    }, function () { sending = false; showQueue(); say(msg("queued")); });
  }
  function reset() {
    ratingIds().forEach(function (id) { setRating(id, ""); });
    all('input[name="body_map"]', form).forEach(function (b) { b.checked = false; syncSite(b.value); });
    form.elements.note.value = ""; dateEl.value = today(); markRecalled();
  }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var p = collect(), bad = invalid(p), q = load();
    if (bad) { say(msg("check")); document.getElementById("n-" + bad).focus(); return; }
    q.push({ key: form.elements.idempotency_key.value || newKey(), payload: p, owner: OWNER });
    if (!store(q)) { form.submit(); return; }
    form.setAttribute("data-last", JSON.stringify({ items: p.items, body_map: p.body_map || [] }));
    document.getElementById("same").hidden = false;
    form.elements.idempotency_key.value = newKey();
    reset(); say(msg("sending")); flush();
    window.scrollTo(0, 0);
  });

  /* offline start: a service worker keeps this page and its files (never API answers) */
  function initOffline() {
    var sw = navigator.serviceWorker, url = form.getAttribute("data-sw");
    if (!sw || !window.caches || !window.MessageChannel || !url) { return; }
    sw.register(url, { scope: "/checkin" }).then(function () { return sw.ready; }).then(function (reg) {
      var assets = all('link[rel="stylesheet"][href], script[src]').map(function (el) { return el.href || el.src; });
      var channel = new MessageChannel();
      channel.port1.onmessage = function (e) {
        if (e.data && e.data.ok) { document.documentElement.setAttribute("data-offline-ready", "1"); }
      };
      reg.active.postMessage({ type: "shell", assets: assets }, [channel.port2]);
    }).catch(function () { /* no offline start on this browser; the queue still works */ });
  }

  /* a page kept for offline use carries an old key: every page load starts with a new one */
  form.elements.idempotency_key.value = newKey();
  initMap(); initRatings(); initLow(); initSame(); initDate(); initOffline();
  window.addEventListener("online", flush);
  setInterval(function () { if (own().length && navigator.onLine) { flush(); } }, 30000);
  flush();
}());
