// The report's only script: arrows for the moves, and the findings table's sorting and filtering. No request.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";

  function point(rect, box, x, y) { return { x: x - box.left, y: y - box.top }; }

  function ends(a, b, box, shift) {
    // Side by side (another zone): from the facing sides, bending sideways; one above the other: top to bottom.
    if (b.left > a.right || b.right < a.left) {
      var right = b.left > a.right;
      return { start: point(a, box, right ? a.right : a.left, a.top + a.height / 2 + shift),
        end: point(b, box, right ? b.left : b.right, b.top + b.height / 2 + shift), sideways: true };
    }
    var up = b.top < a.top, x = Math.max(a.left, b.left) + Math.min(a.width, b.width) / 2 + shift;
    return { start: point(a, box, x, up ? a.top : a.bottom), end: point(b, box, x, up ? b.bottom : b.top), sideways: false };
  }

  function arrowPath(line) {
    var s = line.start, e = line.end;
    if (!line.sideways) { return "M" + s.x + "," + s.y + " L" + e.x + "," + e.y; }
    var bend = (e.x - s.x) / 2;
    return "M" + s.x + "," + s.y + " C" + (s.x + bend) + "," + s.y + " " + (e.x - bend) + "," + e.y + " " + e.x + "," + e.y;
  }

  function element(name, attributes) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    return node;
  }

  function drawArrows() {
    document.querySelectorAll(".vpc").forEach(function (vpc, index) {
      var map = vpc.querySelector(".map"), svg = vpc.querySelector("svg.arrows"), box = map.getBoundingClientRect();
      var head = "arrow-head-" + index;
      while (svg.firstChild) { svg.removeChild(svg.firstChild); }
      svg.setAttribute("width", map.offsetWidth);
      svg.setAttribute("height", map.offsetHeight);
      var marker = element("marker", { id: head, viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "6",
        markerHeight: "6", orient: "auto-start-reverse" });
      marker.appendChild(element("path", { d: "M0,0 L10,5 L0,10 z", "class": "head" }));
      svg.appendChild(element("defs", {})).appendChild(marker);
      vpc.querySelectorAll(".moves li").forEach(function (move, order) {
        var from = document.getElementById(move.dataset.from), to = document.getElementById(move.dataset.to);
        if (!from || !to) { return; }
        // Arrows between the same subnets (a move made, another proposed) are drawn side by side, not on top.
        var shift = ((order % 5) - 2) * 14;
        var line = ends(from.getBoundingClientRect(), to.getBoundingClientRect(), box, shift);
        svg.appendChild(element("path", { d: arrowPath(line), "class": move.className, "marker-end": "url(#" + head + ")" }));
        // Labels of neighbouring arrows are staggered along them so that they do not overlap.
        var along = 0.3 + 0.2 * (order % 3);
        var label = element("text", { x: line.start.x + (line.end.x - line.start.x) * along + 4,
          y: line.start.y + (line.end.y - line.start.y) * along });
        label.textContent = "\u00d7" + move.dataset.count;
        svg.appendChild(label);
      });
    });
  }

  var table = document.getElementById("findings");
  var filter = document.getElementById("findings-filter"), outcome = document.getElementById("findings-outcome");
  var count = document.getElementById("findings-count");

  function applyFilter() {
    var words = filter.value.toLowerCase().trim(), wanted = outcome.value, rows = table.tBodies[0].rows, shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i];
      var match = (!wanted || row.dataset.outcome === wanted) &&
        (!words || row.textContent.toLowerCase().indexOf(words) !== -1);
      row.hidden = !match;
      if (match) { shown++; }
    }
    count.textContent = shown + " of " + rows.length;
  }

  function sortBy(column, header) {
    var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    function key(row) {
      var cell = row.cells[column];
      return cell.dataset.key !== undefined ? Number(cell.dataset.key) : cell.textContent.trim().toLowerCase();
    }
    rows.sort(function (r1, r2) {
      var k1 = key(r1), k2 = key(r2), order = k1 < k2 ? -1 : k1 > k2 ? 1 : 0;
      return ascending ? order : -order;
    });
    table.querySelectorAll("thead th").forEach(function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    rows.forEach(function (row) { body.appendChild(row); });
  }

  table.querySelectorAll("thead button").forEach(function (button) {
    button.addEventListener("click", function () { sortBy(Number(button.dataset.column), button.parentNode); });
  });
  filter.addEventListener("input", applyFilter);
  outcome.addEventListener("change", applyFilter);
  window.addEventListener("resize", drawArrows);
  // Printed, the findings show their actions and undo commands (a closed <details> prints only its summary).
  window.addEventListener("beforeprint", function () {
    table.querySelectorAll("details").forEach(function (details) { details.open = true; });
  });
  drawArrows();
})();
