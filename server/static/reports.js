// Newsgraph reports in the browser: draws a report's chart as SVG and saves reports with the
// write token. Written for Newsgraph (no libraries): bar, line, timeline and who-met-whom network.
"use strict";

(function () {
  const SVG = "http://www.w3.org/2000/svg";

  function el(name, attrs, parent, text) {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }

  function short(text, n) {
    text = String(text == null ? "" : text);
    return text.length > n ? text.slice(0, n - 1) + "\u2026" : text;
  }

  function tail(value) {
    // An IRI reads better by its last segment.
    const s = String(value == null ? "" : value);
    return /^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? decodeURIComponent(s.split(/[\/#]/).filter(Boolean).pop() || s) : s;
  }

  function time(value) {
    if (value == null) return NaN;
    const t = Date.parse(String(value).length === 4 ? value + "-01-01" : value);
    return t;
  }

  function svgFor(figure, type, width, height) {
    const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", class: `chart-${type}`, role: "img" }, figure);
    return svg;
  }

  function axisLabels(svg, ticks, x0, x1, y, format) {
    ticks.forEach(([pos, label], i) => {
      const anchor = ticks.length > 1 && i === 0 ? "start" : ticks.length > 1 && i === ticks.length - 1 ? "end" : "middle";
      el("text", { x: pos, y: y, "text-anchor": anchor, class: "tick" }, svg, format(label));
    });
    el("line", { x1: x0, x2: x1, y1: y - 14, y2: y - 14, class: "axis" }, svg);
  }

  function dateText(t) {
    return new Date(t).toISOString().slice(0, 10);
  }

  function bar(figure, spec, rows) {
    const totals = new Map();
    for (const r of rows) {
      const key = tail(r[spec.x]);
      const add = spec.y ? Number(r[spec.y]) || 0 : 1;
      totals.set(key, (totals.get(key) || 0) + add);
    }
    const items = [...totals.entries()].slice(0, 40);
    const max = Math.max(1, ...items.map(([, v]) => v));
    const width = 900, left = 240, rowH = 24, height = items.length * rowH + 30;
    const svg = svgFor(figure, "bar", width, height);
    items.forEach(([label, value], i) => {
      const y = 10 + i * rowH, w = Math.max(1, (width - left - 60) * value / max);
      el("text", { x: left - 8, y: y + 15, "text-anchor": "end", class: "label" }, svg, short(label, 34));
      el("rect", { x: left, y: y + 2, width: w, height: rowH - 6, class: "bar" }, svg).appendChild(
        el("title", {}, null, `${label}: ${value}`));
      el("text", { x: left + w + 6, y: y + 15, class: "value" }, svg, String(value));
    });
  }

  function line(figure, spec, rows) {
    let points = rows.map((r) => ({ raw: r[spec.x], t: time(r[spec.x]), n: Number(r[spec.x]), y: Number(r[spec.y]) }))
      .filter((p) => !Number.isNaN(p.y));
    const byDate = points.every((p) => !Number.isNaN(p.t)) && points.some((p) => /\d{4}-\d{2}/.test(String(p.raw)));
    const byNumber = !byDate && points.every((p) => !Number.isNaN(p.n));
    points.forEach((p, i) => { p.x = byDate ? p.t : byNumber ? p.n : i; });
    if (byDate || byNumber) points.sort((a, b) => a.x - b.x);
    const width = 900, height = 320, left = 60, right = 20, top = 20, bottom = 50;
    const svg = svgFor(figure, "line", width, height);
    if (!points.length) return;
    const xs = points.map((p) => p.x), ys = points.map((p) => p.y);
    const x0 = Math.min(...xs), x1 = Math.max(...xs), y1 = Math.max(0, ...ys), y0 = Math.min(0, ...ys);
    const sx = (x) => left + (x1 === x0 ? (width - left - right) / 2 : (x - x0) / (x1 - x0) * (width - left - right));
    const sy = (y) => top + (y1 === y0 ? 0 : (y1 - y) / (y1 - y0)) * (height - top - bottom);
    el("line", { x1: left, x2: left, y1: top, y2: height - bottom, class: "axis" }, svg);
    el("text", { x: left - 6, y: top + 4, "text-anchor": "end", class: "tick" }, svg, String(y1));
    el("text", { x: left - 6, y: height - bottom, "text-anchor": "end", class: "tick" }, svg, String(y0));
    el("polyline", { points: points.map((p) => `${sx(p.x)},${sy(p.y)}`).join(" "), class: "line" }, svg);
    for (const p of points) {
      el("circle", { cx: sx(p.x), cy: sy(p.y), r: 4, class: "point" }, svg).appendChild(
        el("title", {}, null, `${tail(p.raw)}: ${p.y}`));
    }
    const fmt = (v) => byDate ? dateText(v) : byNumber ? String(v) : short(tail(points[v] ? points[v].raw : v), 14);
    const ticks = x1 === x0 ? [[sx(x0), x0]] : [0, 0.25, 0.5, 0.75, 1].map((f) => {
      const v = x0 + f * (x1 - x0);
      return [sx(v), byDate || byNumber ? v : Math.round(v)];
    });
    axisLabels(svg, ticks, left, width - right, height - bottom + 30, fmt);
  }

  function timeline(figure, spec, rows) {
    // A row without a date (an undated article's post, say) is not drawn at a made-up date; a
    // line under the axis says how many there are.
    const all = rows.map((r) => {
      const s = time(r[spec.start]);
      const e = spec.end ? time(r[spec.end]) : s;
      return { label: tail(r[spec.label]), s, e: Number.isNaN(e) ? s : e };
    });
    const items = all.filter((it) => !Number.isNaN(it.s)).slice(0, 60);
    const undated = all.filter((it) => Number.isNaN(it.s)).length;
    const width = 900, left = 240, right = 30, rowH = 22, height = items.length * rowH + 50 + (undated ? 18 : 0);
    const svg = svgFor(figure, "timeline", width, height);
    if (undated) {
      el("text", { x: 8, y: height - 6, class: "undated" }, svg,
        `${undated} row${undated === 1 ? "" : "s"} without a date, not drawn`);
    }
    if (!items.length) return;
    const t0 = Math.min(...items.map((it) => it.s)), t1 = Math.max(...items.map((it) => it.e));
    const span = Math.max(t1 - t0, 86400000);
    const sx = (t) => left + (t - t0) / span * (width - left - right);
    items.forEach((it, i) => {
      const y = 10 + i * rowH;
      el("text", { x: left - 8, y: y + 14, "text-anchor": "end", class: "label" }, svg, short(it.label, 34));
      const w = Math.max(6, sx(it.e) - sx(it.s));
      el("rect", { x: sx(it.s) - (it.e === it.s ? 3 : 0), y: y + 3, width: w, height: rowH - 8, rx: 3, class: "span" }, svg)
        .appendChild(el("title", {}, null, `${it.label}: ${dateText(it.s)}${it.e !== it.s ? " \u2013 " + dateText(it.e) : ""}`));
    });
    axisLabels(svg, [[sx(t0), t0], [sx(t0 + span), t0 + span]], left, width - right, height - 8 - (undated ? 18 : 0), dateText);
  }

  function network(figure, spec, rows) {
    const index = new Map(), nodes = [], edges = [];
    const node = (label) => {
      if (!index.has(label)) { index.set(label, nodes.length); nodes.push({ label, degree: 0 }); }
      return index.get(label);
    };
    for (const r of rows) {
      if (r[spec.source] == null || r[spec.target] == null) continue;
      const a = node(tail(r[spec.source])), b = node(tail(r[spec.target]));
      const w = spec.weight ? Number(r[spec.weight]) || 1 : 1;
      edges.push({ a, b, w });
      nodes[a].degree += w; nodes[b].degree += w;
    }
    const width = 900, height = 560, n = nodes.length;
    const svg = svgFor(figure, "network", width, height);
    if (!n) return;
    // Fruchterman-Reingold from a circle: deterministic, a few hundred steps are plenty here.
    nodes.forEach((p, i) => {
      p.x = width / 2 + Math.cos(2 * Math.PI * i / n) * width / 3;
      p.y = height / 2 + Math.sin(2 * Math.PI * i / n) * height / 3;
    });
    const k = Math.sqrt(width * height / n) * 0.6;
    for (let step = 0, t = width / 10; step < 300; step++, t *= 0.985) {
      const dx = new Float64Array(n), dy = new Float64Array(n);
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
        const x = nodes[i].x - nodes[j].x, y = nodes[i].y - nodes[j].y, d = Math.max(Math.hypot(x, y), 0.01);
        const f = k * k / d;
        dx[i] += x / d * f; dy[i] += y / d * f; dx[j] -= x / d * f; dy[j] -= y / d * f;
      }
      for (const e of edges) {
        const p = nodes[e.a], q = nodes[e.b];
        const x = p.x - q.x, y = p.y - q.y, d = Math.max(Math.hypot(x, y), 0.01), f = d * d / k;
        dx[e.a] -= x / d * f; dy[e.a] -= y / d * f; dx[e.b] += x / d * f; dy[e.b] += y / d * f;
      }
      nodes.forEach((p, i) => {
        const d = Math.max(Math.hypot(dx[i], dy[i]), 0.01), m = Math.min(d, t);
        p.x = Math.min(width - 60, Math.max(60, p.x + dx[i] / d * m));
        p.y = Math.min(height - 30, Math.max(30, p.y + dy[i] / d * m));
      });
    }
    for (const e of edges) {
      el("line", { x1: nodes[e.a].x, y1: nodes[e.a].y, x2: nodes[e.b].x, y2: nodes[e.b].y,
        "stroke-width": 1 + Math.log2(e.w), class: "edge" }, svg).appendChild(
        el("title", {}, null, `${nodes[e.a].label} \u2013 ${nodes[e.b].label}: ${e.w}`));
    }
    for (const p of nodes) {
      el("circle", { cx: p.x, cy: p.y, r: 5 + Math.min(10, 2 * Math.sqrt(p.degree)), class: "node" }, svg)
        .appendChild(el("title", {}, null, p.label));
      el("text", { x: p.x, y: p.y - 12, "text-anchor": "middle", class: "label" }, svg, short(p.label, 28));
    }
  }

  const CHARTS = { bar, line, timeline, network };

  function drawChart() {
    const figure = document.getElementById("chart"), data = document.getElementById("report-data");
    if (!figure || !data) return;
    const spec = JSON.parse(figure.dataset.chart), rows = JSON.parse(data.textContent);
    const draw = CHARTS[spec.type];
    if (draw) draw(figure, spec, rows);
  }

  async function send(form, method) {
    const name = form.elements.name.value.trim(), token = form.elements.token.value.trim();
    const message = form.querySelector(".message");
    const headers = { Authorization: `Bearer ${token}`, Accept: "application/json" };
    const init = { method, headers };
    if (method === "PUT") {
      headers["Content-Type"] = "application/sparql-query";
      init.body = form.elements.text.value;
    }
    message.className = "message";
    message.textContent = method === "PUT" ? "Saving\u2026" : "Deleting\u2026";
    let response, body = {};
    try {
      response = await fetch(`/queries/${encodeURIComponent(name)}`, init);
      body = await response.json().catch(() => ({}));
    } catch (err) {
      message.className = "message error";
      message.textContent = `Not saved: ${err}`;
      return;
    }
    if (!response.ok) {
      message.className = "message error";
      message.textContent = `Not ${method === "PUT" ? "saved" : "deleted"} (${response.status}): ${body.message || response.statusText}`;
      return;
    }
    sessionStorage.setItem("newsgraph-token", token);
    message.className = "message ok";
    message.textContent = "";
    if (method === "PUT") {
      message.append(`Saved version ${body.version} of ${name}: `);
      const a = document.createElement("a");
      a.href = `/queries/${encodeURIComponent(name)}/versions/${body.version}`;
      a.textContent = a.href;
      a.id = "saved-version";
      message.append(a);
    } else {
      message.textContent = `Deleted ${name} (its history stays at /queries/${name}/versions).`;
    }
  }

  function wireSaveForms() {
    for (const form of document.querySelectorAll("form[data-save]")) {
      const saved = sessionStorage.getItem("newsgraph-token");
      if (saved && !form.elements.token.value) form.elements.token.value = saved;
      form.addEventListener("submit", (event) => { event.preventDefault(); send(form, "PUT"); });
      const del = form.querySelector("button[name=delete]");
      if (del) del.addEventListener("click", () => {
        if (form.elements.token.reportValidity() && confirm(`Delete ${form.elements.name.value}? Its versions stay readable.`)) send(form, "DELETE");
      });
    }
  }

  drawChart();
  wireSaveForms();
})();
