// paper-kg view: draws the embedded data with cytoscape.js at the positions computed in Python.
// Every text from the graph reaches the page through textContent or SVG text nodes, never as HTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });

  var elements = data.nodes.map(function (n) {
    return {
      group: "nodes",
      data: { id: n.id, name: n.name, size: n.size, colour: n.cf, cl: n.cl, cf: n.cf, centre: n.centre ? 1 : 0 },
      position: { x: n.x, y: n.y }
    };
  }).concat(data.edges.map(function (e, i) {
    return { group: "edges", data: { id: "e" + i, source: e.s, target: e.t, w: e.w, type: e.type || "", text: e.text || "" } };
  }));

  var maxWeight = data.edges.reduce(function (m, e) { return Math.max(m, e.w); }, 1);
  var cy = cytoscape({
    container: document.getElementById("graph"),
    elements: elements,
    layout: { name: "preset", fit: true, padding: 30 },
    minZoom: 0.05,
    maxZoom: 8,
    textureOnViewport: data.nodes.length > 1000,
    hideEdgesOnViewport: data.nodes.length > 1000,
    style: [
      { selector: "node", style: {
        "background-color": "data(colour)", "width": "data(size)", "height": "data(size)",
        "label": "data(name)", "font-size": "mapData(size, 8, 80, 7, 22)", "min-zoomed-font-size": 10, "color": "#1d2733",
        "text-valign": "bottom", "text-margin-y": 2, "border-width": 0.5, "border-color": "#ffffff" } },
      { selector: "node[centre = 1]", style: { "border-width": 3, "border-color": "#1d2733" } },
      { selector: "edge", style: {
        "width": "mapData(w, 1, " + maxWeight + ", 0.5, 4)", "line-color": "#c3ccd6", "opacity": 0.6,
        "curve-style": "haystack" } },
      { selector: ".found", style: { "border-width": 3, "border-color": "#f5a300" } },
      { selector: ":selected", style: { "border-width": 4, "border-color": "#1d2733", "line-color": "#52606d", "opacity": 1 } },
      { selector: ".faded", style: { "opacity": 0.12 } }
    ]
  });

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  var SVG = "http://www.w3.org/2000/svg";
  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  // Papers per year of the selected entity as bars, with the first and last year labelled.
  function drawChart(n) {
    var box = document.getElementById("chart");
    clear(box);
    if (!n || !n.trend || !data.years.length) return;
    box.appendChild(el("h3", "Papers per year"));
    var W = 300, H = 130, pad = 22, count = data.years.length;
    var top = Math.max.apply(null, n.trend.concat([1]));
    var chart = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img" });
    var bw = (W - 2 * pad) / count;
    n.trend.forEach(function (v, i) {
      var h = (H - 2 * pad) * v / top;
      var bar = svg("rect", { x: pad + i * bw + 1, y: H - pad - h, width: Math.max(bw - 2, 1), height: h, fill: n.cf || n.cl });
      bar.appendChild(svg("title", {}, data.years[i] + ": " + v));
      chart.appendChild(bar);
    });
    chart.appendChild(svg("line", { x1: pad, y1: H - pad, x2: W - pad, y2: H - pad, stroke: "#52606d" }));
    chart.appendChild(svg("text", { x: pad, y: H - 6, "font-size": 10 }, data.years[0]));
    chart.appendChild(svg("text", { x: W - pad, y: H - 6, "font-size": 10, "text-anchor": "end" }, data.years[count - 1]));
    chart.appendChild(svg("text", { x: pad, y: pad - 8, "font-size": 10 }, "max " + top));
    box.appendChild(chart);
  }

  function showNode(n) {
    var box = document.getElementById("details");
    clear(box);
    box.appendChild(el("h2", n.name));
    var meta = n.label + (n.label === "Paper" ? (n.year ? " · " + n.year : "") : " · " + n.papers + " papers");
    if (n.front !== null && n.front !== undefined) {
      var front = data.fronts.filter(function (f) { return f.id === n.front; })[0];
      meta += " · front " + n.front + (front ? ": " + front.name : "");
    }
    box.appendChild(el("p", meta, "meta"));
    if (n.aliases && n.aliases.length) box.appendChild(el("p", "also: " + n.aliases.join(", "), "meta"));
    if (n.text) box.appendChild(el("p", n.text, "text"));
    drawChart(n.label === "Paper" ? null : n);
  }

  function showEdge(e) {
    var box = document.getElementById("details");
    clear(box);
    var s = byId[e.data("source")], t = byId[e.data("target")];
    box.appendChild(el("h2", s.name + " — " + t.name));
    box.appendChild(el("p", e.data("type") || (e.data("w") + " shared papers"), "meta"));
    if (e.data("text")) box.appendChild(el("p", e.data("text"), "text"));
    drawChart(null);
  }

  cy.on("tap", "node", function (evt) { showNode(byId[evt.target.id()]); });
  cy.on("tap", "edge", function (evt) { showEdge(evt.target); });

  // Search: names, aliases and titles containing the text; the first match is selected and centred.
  function search(text) {
    var q = String(text || "").trim().toLowerCase();
    cy.elements().removeClass("found faded");
    cy.elements().unselect();
    var status = document.getElementById("found");
    if (!q) { status.textContent = ""; return 0; }
    var hits = cy.nodes().filter(function (node) {
      var n = byId[node.id()];
      return n.name.toLowerCase().indexOf(q) >= 0 ||
        (n.aliases || []).some(function (a) { return a.toLowerCase().indexOf(q) >= 0; });
    });
    status.textContent = hits.length + (hits.length === 1 ? " match" : " matches");
    if (hits.length) {
      cy.elements().addClass("faded");
      hits.removeClass("faded").addClass("found");
      hits.connectedEdges().removeClass("faded");
      // the name itself before a name containing it before an alias, then the most papers
      var rank = function (node) {
        var name = byId[node.id()].name.toLowerCase();
        return name === q ? 0 : name.indexOf(q) === 0 ? 1 : name.indexOf(q) >= 0 ? 2 : 3;
      };
      var first = hits.sort(function (a, b) {
        return rank(a) - rank(b) || byId[b.id()].papers - byId[a.id()].papers;
      })[0];
      first.select();
      cy.animate({ center: { eles: first }, zoom: Math.max(cy.zoom(), 1) }, { duration: 200 });
      showNode(byId[first.id()]);
    }
    return hits.length;
  }
  document.getElementById("search").addEventListener("input", function (evt) { search(evt.target.value); });

  document.getElementById("colour").addEventListener("change", function (evt) {
    var key = evt.target.value;
    cy.batch(function () { cy.nodes().forEach(function (node) { node.data("colour", node.data(key)); }); });
  });

  var legend = document.getElementById("legend");
  if (data.fronts.length) {
    legend.appendChild(el("h3", "Research fronts"));
    var list = el("ul");
    data.fronts.forEach(function (f) {
      var item = el("li");
      var swatch = el("span", null, "swatch");
      swatch.style.background = f.colour;
      item.appendChild(swatch);
      item.appendChild(el("span", f.id + ": " + f.name));
      item.addEventListener("click", function () {
        cy.elements().addClass("faded");
        var members = cy.nodes().filter(function (node) { return byId[node.id()].front === f.id; });
        members.removeClass("faded");
        members.edgesWith(members).removeClass("faded");
      });
      list.appendChild(item);
    });
    legend.appendChild(list);
  }

  var centre = data.nodes.filter(function (n) { return n.centre; })[0];
  if (centre) showNode(centre);

  // For tests and the curious: the drawn graph and the search.
  window.kgView = { cy: cy, search: search, nodeCount: function () { return cy.nodes().length; } };
})();
