/* atlaxis — place radiographic/posture landmarks by clicking on an image.
 *
 * Progressive enhancement of the visit form: without this script the clinician types the
 * coordinates. With it, each view offers "choose an image"; the image is shown from a local
 * object URL and NEVER leaves the browser (the file input has no name, the form is not
 * multipart). Clicking on the image fills the next empty landmark's x/y inputs with image
 * pixel coordinates (y down); the server computes the angles (one tested implementation).
 */
(function () {
  "use strict";
  var SVGNS = "http://www.w3.org/2000/svg";

  function rows(view) {
    return Array.prototype.slice.call(view.querySelectorAll(".lm-row"));
  }

  function inputs(row) {
    return {
      x: row.querySelector('input[data-axis="x"]'),
      y: row.querySelector('input[data-axis="y"]')
    };
  }

  function nextEmpty(view) {
    var active = view.querySelector(".lm-row.active");
    if (active) { return active; }
    var all = rows(view);
    for (var i = 0; i < all.length; i++) {
      var io = inputs(all[i]);
      if (!io.x.value || !io.y.value) { return all[i]; }
    }
    return null;
  }

  function announce(view) {
    var box = view.querySelector(".lm-next");
    var row = nextEmpty(view);
    if (!box) { return; }
    var name = row ? row.querySelector(".lm-name").textContent : "";
    box.textContent = row ? (box.getAttribute("data-next") || "Next: ") + name
                          : (box.getAttribute("data-done") || "");
  }

  function redraw(view, overlay, img) {
    while (overlay.firstChild) { overlay.removeChild(overlay.firstChild); }
    overlay.setAttribute("viewBox", "0 0 " + img.naturalWidth + " " + img.naturalHeight);
    var r = Math.max(3, img.naturalWidth / 150);
    rows(view).forEach(function (row, index) {
      var io = inputs(row);
      var x = parseFloat(io.x.value), y = parseFloat(io.y.value);
      if (isNaN(x) || isNaN(y)) { return; }
      var c = document.createElementNS(SVGNS, "circle");
      c.setAttribute("cx", x); c.setAttribute("cy", y); c.setAttribute("r", r);
      c.setAttribute("class", "lm-dot");
      var t = document.createElementNS(SVGNS, "text");
      t.setAttribute("x", x + r * 1.5); t.setAttribute("y", y - r * 1.5);
      t.setAttribute("font-size", r * 4); t.setAttribute("class", "lm-label");
      t.textContent = String(index + 1);
      overlay.appendChild(c); overlay.appendChild(t);
    });
  }

  function setup(view) {
    var box = view.querySelector(".lm-image");
    if (!box) { return; }
    box.hidden = false;
    var file = box.querySelector(".lm-file");
    var stage = box.querySelector(".lm-stage");
    var img = document.createElement("img");
    img.alt = "";
    var overlay = document.createElementNS(SVGNS, "svg");
    overlay.setAttribute("class", "lm-overlay");
    overlay.setAttribute("aria-hidden", "true");
    var url = null;

    rows(view).forEach(function (row) {
      var pick = document.createElement("button");
      pick.type = "button";
      pick.className = "lm-pick";
      pick.textContent = "◎";
      var placeText = (view.querySelector(".lm-next") || pick).getAttribute("data-place") || "";
      pick.setAttribute("aria-label", placeText + row.querySelector(".lm-name").textContent);
      pick.addEventListener("click", function () {
        rows(view).forEach(function (r) { r.classList.remove("active"); });
        row.classList.add("active");
        announce(view);
      });
      row.insertBefore(pick, row.firstChild);
      var io = inputs(row);
      [io.x, io.y].forEach(function (inp) {
        inp.addEventListener("change", function () { if (img.naturalWidth) { redraw(view, overlay, img); } });
      });
    });

    file.addEventListener("change", function () {
      if (url) { URL.revokeObjectURL(url); }
      if (!file.files || !file.files[0]) { return; }
      url = URL.createObjectURL(file.files[0]);
      img.onload = function () { redraw(view, overlay, img); announce(view); };
      img.src = url;
      stage.appendChild(img);
      stage.appendChild(overlay);
      var coords = document.getElementById("f-coords");
      if (coords) { coords.value = "image"; }
    });

    img.addEventListener("click", function (event) {
      var row = nextEmpty(view);
      if (!row || !img.naturalWidth) { return; }
      var rect = img.getBoundingClientRect();
      var x = (event.clientX - rect.left) / rect.width * img.naturalWidth;
      var y = (event.clientY - rect.top) / rect.height * img.naturalHeight;
      var io = inputs(row);
      io.x.value = x.toFixed(1);
      io.y.value = y.toFixed(1);
      row.classList.remove("active");
      redraw(view, overlay, img);
      announce(view);
    });
  }

  function start() {
    var views = document.querySelectorAll(".visit-form fieldset.view");
    Array.prototype.forEach.call(views, setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
