// wirelens workspace. Plain JavaScript, no build step. Everything that comes from a trace is put in the
// page as text (textContent / text nodes), never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);

// el builds an element: attrs are properties (className, dataset entries via data-*, on* handlers);
// children are nodes or strings (strings become text nodes).
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else if (k.startsWith("data-")) e.setAttribute(k, String(v));
      else if (k === "className") e.className = v;
      else if (k === "title") e.title = String(v);
      else if (k === "style") e.setAttribute("style", v);
      else e[k] = v;
    }
  }
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

async function api(path, params, opts) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null && v !== "") q.set(k, v);
  const r = await fetch("/api/" + path + "?" + q.toString(), Object.assign({ credentials: "same-origin" }, opts || {}));
  let body = null;
  try { body = await r.json(); } catch (e) { body = { error: r.status + " " + r.statusText }; }
  if (!r.ok && !(body && body.filterError)) throw new Error((body && body.error) || r.statusText);
  return body;
}

// ---------------------------------------------------------------- state

const S = {
  traces: [],
  trace: 0, // id
  filter: "", // applied filter text
  win: null, // {from, to} ns: time window from the timeline's brush
  sort: "number",
  desc: false,
  timeMode: "rel",
  total: 0,
  done: false,
  pages: new Map(), // page number -> rows
  pending: new Set(),
  gen: 0, // bumped when the view changes, to drop stale answers
  sel: -1, // selected position in the view
  selFrame: 0,
  details: null,
  selNode: null,
  stream: null, // {n, udp} of the selected message
};
const PAGE = 200;
const ROW_H = 20;
const MAX_SCROLL_PX = 8000000; // browsers cap element heights: past this, scrolling is scaled

// ---------------------------------------------------------------- traces, upload, progress

async function refreshTraces() {
  S.traces = await api("traces");
  const sel = $("trace-select");
  const cur = S.trace;
  sel.textContent = "";
  for (const t of S.traces) sel.append(el("option", { value: t.id }, t.name + " (" + t.frames + " frames)"));
  if (!S.trace && S.traces.length) selectTrace(S.traces[0].id);
  else if (cur) sel.value = String(cur);
  if (!S.traces.length) $("list-count").textContent = "— open a trace (Open… or drop a file)";
  showProgress();
}

function currentTrace() { return S.traces.find((t) => t.id === S.trace); }

function showProgress() {
  const t = currentTrace();
  const p = $("progress");
  if (!t || t.done) { p.hidden = !t || !t.error && !t.warning; }
  else p.hidden = false;
  if (!t) return;
  $("progress-bar").style.width = Math.round(160 * t.progress) + "px";
  let text = t.done ? "" : "indexing " + Math.round(t.progress * 100) + "% · " + t.frames.toLocaleString() + " frames";
  if (t.error) text = "error: " + t.error;
  else if (t.warning) text = "warning: " + t.warning;
  $("progress-text").textContent = text;
}

let pollTimer = 0;
async function poll() {
  clearTimeout(pollTimer);
  try {
    await refreshTraces();
    const t = currentTrace();
    const indexing = S.traces.some((x) => !x.done);
    if (t) {
      if (!S.done) await fetchPage(Math.floor(firstVisible() / PAGE), true);
      if (t.done && !S.sidesLoaded) { S.sidesLoaded = true; loadSides(); }
    }
    if (indexing || !S.done) pollTimer = setTimeout(poll, 400);
  } catch (e) {
    $("progress-text").textContent = String(e.message || e);
    pollTimer = setTimeout(poll, 2000);
  }
}

function selectTrace(id) {
  S.trace = id;
  $("trace-select").value = String(id);
  S.sidesLoaded = false;
  S.win = null; S.tlZoom = null;
  S.details = null;
  $("tree").textContent = ""; $("hex").textContent = ""; $("details-title").textContent = "";
  for (const t of ["tab-diag", "tab-conv", "tab-http", "follow-text"]) $(t).textContent = "";
  resetView();
  poll();
}

async function upload(file) {
  const bar = $("progress"); bar.hidden = false;
  $("progress-text").textContent = "uploading " + file.name;
  try {
    const r = await fetch("/api/upload?" + new URLSearchParams({ name: file.name }), { method: "POST", body: file, credentials: "same-origin" });
    const body = await r.json();
    if (!r.ok) throw new Error(body.error || r.statusText);
    await refreshTraces();
    selectTrace(body.id);
  } catch (e) {
    $("progress-text").textContent = "upload failed: " + (e.message || e);
  }
}

// ---------------------------------------------------------------- message list (virtualized)

const COLS = [
  { key: "n", title: "No.", cls: "c-n", sort: "number" },
  { key: "time", title: "Time", cls: "c-time", sort: "time" },
  { key: "src", title: "Source", cls: "c-src", sort: "source" },
  { key: "dst", title: "Destination", cls: "c-dst", sort: "destination" },
  { key: "proto", title: "Protocol", cls: "c-proto", sort: "protocol" },
  { key: "len", title: "Length", cls: "c-len", sort: "length" },
  { key: "summary", title: "Summary", cls: "c-summary", sort: "summary" },
  { key: "sev", title: "!", cls: "c-diag", sort: "severity" },
];

function buildHead() {
  const h = $("list-head");
  h.textContent = "";
  h.classList.toggle("abs", S.timeMode === "abs");
  for (const c of COLS) {
    let t = c.title;
    if (c.sort && S.sort === c.sort && (c.sort !== "number" || S.desc)) t += S.desc ? " ▼" : " ▲";
    const span = el("span", { className: c.cls + (c.sort ? " sortable" : ""), title: c.sort ? "sort by " + c.title : c.title }, t);
    if (c.sort) span.addEventListener("click", () => {
      if (S.sort === c.sort) S.desc = !S.desc; else { S.sort = c.sort; S.desc = false; }
      buildHead(); resetView(true);
    });
    h.append(span);
  }
}

function viewParams() {
  const p = { t: S.trace, f: S.filter };
  if (S.win) { p.from = S.win.from; p.to = S.win.to; }
  if (S.sort !== "number" || S.desc) { p.sort = S.sort; p.desc = S.desc ? 1 : 0; }
  return p;
}

function resetView(keepSel) {
  S.gen++;
  S.pages = new Map();
  S.pending = new Set();
  S.total = 0; S.done = false;
  const frame = keepSel ? S.selFrame : 0;
  S.sel = -1;
  $("list-scroll").scrollTop = 0;
  renderList();
  if (!S.trace) return;
  fetchPage(0, true).then(() => { if (frame) goToFrame(frame, true); });
  poll();
}

async function fetchPage(pg, force) {
  if (!S.trace || pg < 0) return;
  const have = S.pages.get(pg);
  if (!force && (have && (S.done || have.length === PAGE))) return;
  const key = S.gen + ":" + pg;
  if (S.pending.has(key)) return;
  S.pending.add(key);
  const gen = S.gen;
  try {
    const ans = await api("rows", Object.assign(viewParams(), { off: pg * PAGE, n: PAGE }));
    if (gen !== S.gen) return;
    if (ans.filterError) { showFilterError(ans); return; }
    S.total = ans.total; S.done = ans.done;
    S.frames = ans.frames; S.seen = ans.seen; S.sortedNow = ans.sorted;
    S.pages.set(pg, ans.rows);
    renderList();
  } catch (e) {
    $("filter-error").textContent = String(e.message || e);
  } finally {
    S.pending.delete(key);
  }
}

function scrollGeom() {
  const sc = $("list-scroll");
  const full = S.total * ROW_H;
  const virt = Math.min(full, MAX_SCROLL_PX);
  const vis = sc.clientHeight;
  const ratio = virt > vis && full > vis ? (full - vis) / (virt - vis) : 1;
  return { sc, full, virt, vis, ratio, top: sc.scrollTop * ratio };
}

function firstVisible() { return Math.floor(scrollGeom().top / ROW_H); }

function rowAt(i) {
  const pg = S.pages.get(Math.floor(i / PAGE));
  return pg ? pg[i % PAGE] : undefined;
}

function protoClass(p) {
  const k = String(p || "").toLowerCase();
  return ["tcp", "http", "dns", "udp", "arp", "icmp", "icmpv6"].includes(k) ? "p-" + k : "p-other";
}

function timeOf(r) { return S.timeMode === "abs" ? r.abs : S.timeMode === "delta" ? r.delta : r.rel; }

function renderList() {
  const g = scrollGeom();
  $("list-spacer").style.height = g.virt + "px";
  const rowsEl = $("list-rows");
  const first = Math.floor(g.top / ROW_H);
  const count = Math.ceil(g.vis / ROW_H) + 1;
  rowsEl.style.top = (g.sc.scrollTop - (g.top % ROW_H)) + "px";
  rowsEl.textContent = "";
  const need = new Set();
  const frag = document.createDocumentFragment();
  for (let i = first; i < Math.min(first + count, S.total); i++) {
    const r = rowAt(i);
    if (!r) {
      need.add(Math.floor(i / PAGE));
      frag.append(el("div", { className: "row loading", "data-pos": i }, el("span", { className: "c-n" }, "…")));
      continue;
    }
    const cls = "row " + protoClass(r.proto) + (r.sev ? " sev-" + r.sev : "") + (i === S.sel ? " sel" : "") + (S.timeMode === "abs" ? " abs" : "");
    const sum = el("span", { className: "c-summary", title: r.summary + (r.diag ? "\n" + r.sev + ": " + r.diag : "") }, r.summary);
    if (r.diag) sum.append(el("span", { className: "diagtext" }, "[" + r.sev + ": " + r.diag + "]"));
    frag.append(el("div", { className: cls, "data-pos": i, "data-n": r.n },
      el("span", { className: "c-n" }, r.n),
      el("span", { className: "c-time" }, timeOf(r)),
      el("span", { className: "c-src", title: r.src }, r.src),
      el("span", { className: "c-dst", title: r.dst }, r.dst),
      el("span", { className: "c-proto" }, r.proto),
      el("span", { className: "c-len" }, r.len),
      sum,
      el("span", { className: "c-diag", title: r.diag || "" }, r.sev ? el("span", { className: "icon " + r.sev }) : "")));
  }
  rowsEl.append(frag);
  for (const pg of need) fetchPage(pg);
  let count2 = S.total.toLocaleString() + " shown";
  if (S.frames !== undefined) count2 += " of " + S.frames.toLocaleString();
  if (!S.done && (S.filter || S.win)) count2 += " · filtering " + (S.seen || 0).toLocaleString() + " frames…";
  else if (!S.done) count2 += " · indexing…";
  $("list-count").textContent = count2;
}

function ensureVisible(i) {
  const g = scrollGeom();
  const first = g.top / ROW_H;
  const rows = Math.floor(g.vis / ROW_H);
  if (i < first) g.sc.scrollTop = (i * ROW_H) / g.ratio;
  else if (i >= first + rows - 1) g.sc.scrollTop = ((i - rows + 2) * ROW_H) / g.ratio;
}

async function selectPos(i) {
  if (i < 0 || i >= S.total) return;
  S.sel = i;
  ensureVisible(i);
  renderList();
  let r = rowAt(i);
  if (!r) { await fetchPage(Math.floor(i / PAGE), true); r = rowAt(i); }
  if (!r || S.sel !== i) return;
  S.selFrame = r.n;
  loadDetails(r.n);
}

// goToFrame selects frame n in the current view; if the view does not hold it, the filter and the time
// window are cleared first.
async function goToFrame(n, noClear) {
  if (!S.trace || !n) return false;
  const ans = await api("locate", Object.assign(viewParams(), { n }));
  if (ans.pos >= 0) {
    if (ans.pos >= S.total) await fetchPage(Math.floor(ans.pos / PAGE), true);
    await selectPos(ans.pos);
    return true;
  }
  if (noClear) return false;
  if (S.filter || S.win) {
    S.filter = ""; S.win = null; $("filter").value = ""; checkFilter(); updateWindowChip();
    resetView();
    await fetchPage(0, true);
    return goToFrame(n, true);
  }
  return false;
}

function listKeys(e) {
  const page = Math.max(1, Math.floor($("list-scroll").clientHeight / ROW_H) - 1);
  let i = S.sel;
  switch (e.key) {
    case "ArrowDown": i = Math.min(S.total - 1, i + 1); break;
    case "ArrowUp": i = Math.max(0, i - 1); break;
    case "PageDown": i = Math.min(S.total - 1, i + page); break;
    case "PageUp": i = Math.max(0, i - page); break;
    case "Home": i = 0; break;
    case "End": i = S.total - 1; break;
    case "Enter": $("tree").focus(); e.preventDefault(); return;
    default: return;
  }
  e.preventDefault();
  selectPos(i);
}

// ---------------------------------------------------------------- context menu

function showMenu(x, y, items) {
  const m = $("menu");
  m.textContent = "";
  for (const it of items) m.append(el("li", { role: "menuitem", onclick: () => { hideMenu(); it.run(); } }, it.label));
  m.hidden = false;
  m.style.left = Math.min(x, window.innerWidth - 280) + "px";
  m.style.top = Math.min(y, window.innerHeight - 30 * items.length - 10) + "px";
}
function hideMenu() { $("menu").hidden = true; }

function addrFilter(v, dir) {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(v)) return "ip." + dir + " == " + v;
  if (/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(v)) return "eth." + dir + " == " + v;
  if (/^[0-9a-f:.]+$/i.test(v) && v.includes(":")) return "ipv6." + dir + " == " + v;
  return "";
}

function listMenu(e) {
  const rowEl = e.target.closest(".row[data-n]");
  if (!rowEl) return;
  e.preventDefault();
  const pos = Number(rowEl.dataset.pos);
  const r = rowAt(pos);
  if (!r) return;
  selectPos(pos);
  const cell = e.target.closest("span[class^=c-]");
  const items = [];
  const col = cell ? cell.className.split(" ")[0] : "";
  let f = "";
  if (col === "c-src") f = addrFilter(r.src, "src");
  else if (col === "c-dst") f = addrFilter(r.dst, "dst");
  else if (col === "c-proto") f = String(r.proto).toLowerCase();
  else if (col === "c-n") f = "frame.number == " + r.n;
  else if (col === "c-len") f = "frame.len == " + r.len;
  else if (col === "c-diag" || col === "c-summary") f = r.sev ? "diag.severity == \"" + r.sev + "\"" : "";
  if (f) {
    items.push({ label: "Filter on this value: " + f, run: () => applyFilter(f) });
    if (S.filter) items.push({ label: "…and this value: (" + S.filter + ") && " + f, run: () => applyFilter("(" + S.filter + ") && " + f) });
  }
  if (r.stream >= 0) {
    const proto = r.udp ? "udp" : "tcp";
    items.push({ label: "Follow " + proto.toUpperCase() + " stream " + r.stream, run: () => followStream(r.stream, r.udp) });
    items.push({ label: "Show conversation (" + proto + ".stream == " + r.stream + ")", run: () => showConversation(r.stream, r.udp) });
    if (!r.udp) items.push({ label: "TCP sequence graph of stream " + r.stream, run: () => { showTab("seq"); loadSeq(r.stream); } });
  }
  if (items.length) showMenu(e.clientX, e.clientY, items);
}

function showConversation(n, udp) {
  applyFilter((udp ? "udp" : "tcp") + ".stream == " + n);
  showTab("conv");
  for (const tr of document.querySelectorAll("#tab-conv tr[data-stream]")) {
    tr.classList.toggle("sel", tr.dataset.stream === String(n) && tr.dataset.proto === (udp ? "udp" : "tcp"));
    if (tr.classList.contains("sel")) tr.scrollIntoView({ block: "nearest" });
  }
}

// ---------------------------------------------------------------- details tree and hex

async function loadDetails(n) {
  const gen = ++S.detGen;
  let d;
  try { d = await api("frame", { t: S.trace, n }); } catch (e) { $("details-title").textContent = String(e.message || e); return; }
  if (gen !== S.detGen) return;
  S.details = d;
  S.selNode = null;
  S.stream = d.stream >= 0 ? { n: d.stream, udp: !!d.udp } : null;
  $("details-title").textContent = "frame " + d.frame;
  $("apply-field").disabled = true;
  const tree = $("tree");
  tree.textContent = "";
  const nodes = [];
  const build = (list, depth, parent) => {
    for (const nd of list || []) {
      const kids = nd.children && nd.children.length;
      const line = el("div", { className: "tline" + (nd.severity ? " " + nd.severity : ""), style: "--depth:" + depth },
        el("span", { className: "tw" + (kids ? " k" : "") }),
        nd.label,
        nd.field ? el("span", { className: "fname" }, nd.field) : "");
      const item = el("div", { className: "tnode" + (kids ? " closed" : ""), role: "treeitem", "data-field": nd.field || "" }, line);
      item._node = nd;
      nodes.push(item);
      line.addEventListener("click", (e) => {
        if (kids && (e.target.classList.contains("tw") || e.detail === 2)) toggleNode(item);
        selectNode(item);
      });
      line.addEventListener("contextmenu", (e) => {
        e.preventDefault();
        selectNode(item);
        const f = nodeFilter(nd);
        if (f) showMenu(e.clientX, e.clientY, [
          { label: "Apply as filter: " + f, run: () => applyFilter(f) },
          { label: "Copy filter name", run: () => navigator.clipboard && navigator.clipboard.writeText(nd.field) },
        ]);
      });
      if (kids) {
        const box = el("div", { className: "tkids", role: "group" });
        build(nd.children, depth + 1, box);
        item.append(box);
      }
      parent.append(item);
    }
  };
  build(d.tree, 0, tree);
  S.treeNodes = nodes;
  // Open the layers that carry a diagnostic, as Message Analyzer opens the interesting part.
  for (const it of nodes) if (it._node.severity) { let p = it.parentElement; while (p && p !== tree) { if (p.classList.contains("tnode")) p.classList.remove("closed"); p = p.parentElement; } }
  renderHex(d);
}

function toggleNode(item, open) {
  if (!item.querySelector(".tkids")) return;
  const closed = open === undefined ? !item.classList.contains("closed") : !open;
  item.classList.toggle("closed", closed);
}

function selectNode(item) {
  for (const x of document.querySelectorAll(".tnode.sel")) x.classList.remove("sel");
  if (!item) return;
  item.classList.add("sel");
  S.selNode = item;
  item.firstChild.scrollIntoView({ block: "nearest" });
  const nd = item._node;
  $("apply-field").disabled = !nodeFilter(nd);
  highlight(nd.buf === "reassembled" ? 1 : 0, nd.offset, nd.length);
}

function visibleNodes() { return S.treeNodes ? S.treeNodes.filter((n) => n.offsetParent !== null) : []; }

function treeKeys(e) {
  const vis = visibleNodes();
  if (!vis.length) return;
  let i = vis.indexOf(S.selNode);
  switch (e.key) {
    case "ArrowDown": selectNode(vis[Math.min(vis.length - 1, i + 1)]); break;
    case "ArrowUp": selectNode(vis[Math.max(0, i - 1)]); break;
    case "ArrowRight": if (S.selNode) toggleNode(S.selNode, true); break;
    case "ArrowLeft":
      if (S.selNode && S.selNode.querySelector(".tkids") && !S.selNode.classList.contains("closed")) toggleNode(S.selNode, false);
      else if (S.selNode) { const p = S.selNode.parentElement.closest(".tnode"); if (p) selectNode(p); }
      break;
    case "Enter": { const f = S.selNode && nodeFilter(S.selNode._node); if (f) applyFilter(f); break; }
    case "Escape": $("list-scroll").focus(); break;
    default: return;
  }
  e.preventDefault();
}

const fieldTypes = new Map();
function quote(v) { return "\"" + v.replace(/\\/g, "\\\\").replace(/"/g, "\\\"") + "\""; }

// nodeFilter is the filter that selects the node's value: the field alone for a protocol or an item
// without value, field == value otherwise (strings quoted).
function nodeFilter(nd) {
  if (!nd || !nd.field || nd.field.startsWith("_ws.")) return "";
  if (nd.value === undefined || nd.value === "") return nd.field;
  const t = fieldTypes.get(nd.field);
  if (t === "protocol") return nd.field;
  const plain = /^[A-Za-z0-9_.:\-\/]+$/.test(nd.value);
  if (t === "string" || !plain) return nd.field + " == " + quote(nd.value);
  return nd.field + " == " + nd.value;
}

function renderHex(d) {
  const hex = $("hex");
  hex.textContent = "";
  S.hexCells = [[], []];
  const bufs = [d.bytes || ""];
  if (d.reassembled) bufs.push(d.reassembled);
  bufs.forEach((h, bi) => {
    const n = h.length / 2;
    if (bi === 1) hex.append(el("div", { className: "hexhead" }, "Reassembled IP payload (" + n + " bytes)"));
    const frag = document.createDocumentFragment();
    for (let off = 0; off < n; off += 16) {
      const line = el("div", { className: "hexrow" }, el("span", { className: "off" }, off.toString(16).padStart(4, "0")));
      const asc = [];
      for (let i = off; i < off + 16; i++) {
        if (i < n) {
          const byte = parseInt(h.substr(i * 2, 2), 16);
          const b = el("span", { className: "b", "data-i": i, "data-buf": bi }, h.substr(i * 2, 2));
          const a = el("span", { className: "a", "data-i": i, "data-buf": bi }, byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : ".");
          S.hexCells[bi][i] = [b, a];
          line.append(b, i % 8 === 7 ? "  " : " ");
          asc.push(a);
        } else line.append("   ");
      }
      line.append(" ", ...asc);
      frag.append(line);
    }
    hex.append(frag);
  });
}

function highlight(buf, off, len) {
  for (const x of document.querySelectorAll("#hex .hl")) x.classList.remove("hl");
  const cells = S.hexCells && S.hexCells[buf];
  if (!cells || !len) return;
  let first = null;
  for (let i = off; i < off + len && i < cells.length; i++) {
    if (!cells[i]) continue;
    cells[i][0].classList.add("hl"); cells[i][1].classList.add("hl");
    first = first || cells[i][0];
  }
  if (first) first.scrollIntoView({ block: "nearest" });
}

// hexClick selects the smallest tree item that covers the clicked byte.
function hexClick(e) {
  const c = e.target.closest("[data-i]");
  if (!c || !S.treeNodes) return;
  const i = Number(c.dataset.i), buf = Number(c.dataset.buf);
  let best = null;
  for (const it of S.treeNodes) {
    const nd = it._node;
    if ((nd.buf === "reassembled" ? 1 : 0) !== buf || !nd.length) continue;
    if (i >= nd.offset && i < nd.offset + nd.length && (!best || nd.length <= best._node.length)) best = it;
  }
  if (!best) return;
  for (let p = best.parentElement; p && p.id !== "tree"; p = p.parentElement) if (p.classList.contains("tnode")) toggleNode(p, true);
  selectNode(best);
}

// ---------------------------------------------------------------- filter bar

let checkTimer = 0;
function checkFilter() {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(async () => {
    const text = $("filter").value;
    const ans = await api("check", { f: text });
    if (text !== $("filter").value) return;
    if (ans.filterError) showFilterError(ans);
    else {
      $("filter").classList.toggle("good", text.trim() !== "");
      $("filter").classList.remove("bad");
      $("filter-caret").textContent = "";
      $("filter-error").textContent = "";
    }
  }, 150);
}

function showFilterError(ans) {
  const fe = ans.filterError;
  $("filter").classList.add("bad");
  $("filter").classList.remove("good");
  $("filter-caret").textContent = " ".repeat(fe.col) + "^" + "~".repeat(Math.max(0, fe.span - 1));
  $("filter-error").textContent = fe.message;
}

function applyFilter(text) {
  if (text !== undefined) $("filter").value = text;
  const f = $("filter").value.trim();
  hideCompletion();
  S.filter = f;
  if (f) {
    const h = history().filter((x) => x !== f);
    h.unshift(f);
    localStorage.setItem("wirelens.history", JSON.stringify(h.slice(0, 30)));
  }
  checkFilter();
  resetView(true);
}

function history() {
  try { const h = JSON.parse(localStorage.getItem("wirelens.history") || "[]"); return Array.isArray(h) ? h.filter((x) => typeof x === "string") : []; } catch (e) { return []; }
}

function showHistory() {
  const ul = $("history");
  ul.textContent = "";
  const h = history();
  if (!h.length) ul.append(el("li", null, "(no filters yet)"));
  for (const f of h) ul.append(el("li", { onclick: () => { ul.hidden = true; applyFilter(f); } }, f));
  ul.hidden = !ul.hidden;
}

// Completion of field names from the registry, for the word under the cursor.
const comp = { items: [], on: -1, start: 0, end: 0, gen: 0 };
async function complete() {
  const inp = $("filter");
  const pos = inp.selectionStart;
  const before = inp.value.slice(0, pos);
  const m = /[A-Za-z_][A-Za-z0-9_.\-]*$/.exec(before);
  if (!m || /^(and|or|not|in|contains|matches|xor)$/i.test(m[0])) { hideCompletion(); return; }
  const gen = ++comp.gen;
  const list = await api("fields", { prefix: m[0], limit: 60 });
  if (gen !== comp.gen) return;
  for (const f of list) fieldTypes.set(f.name, f.type);
  if (!list.length || (list.length === 1 && list[0].name === m[0])) { hideCompletion(); return; }
  comp.items = list; comp.on = 0; comp.start = m.index; comp.end = pos;
  const ul = $("completion");
  ul.textContent = "";
  list.forEach((f, i) => ul.append(el("li", { className: i === 0 ? "on" : "", role: "option", onmousedown: (e) => { e.preventDefault(); acceptCompletion(i); } },
    f.name, el("span", { className: "desc" }, f.desc + " · " + f.type))));
  ul.hidden = false;
}
function hideCompletion() { $("completion").hidden = true; comp.items = []; comp.on = -1; }
function acceptCompletion(i) {
  const inp = $("filter");
  const f = comp.items[i];
  if (!f) return;
  inp.value = inp.value.slice(0, comp.start) + f.name + inp.value.slice(comp.end);
  const at = comp.start + f.name.length;
  inp.setSelectionRange(at, at);
  hideCompletion();
  checkFilter();
  inp.focus();
}
function filterKeys(e) {
  const open = !$("completion").hidden && comp.items.length;
  if (open && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
    e.preventDefault();
    comp.on = (comp.on + (e.key === "ArrowDown" ? 1 : comp.items.length - 1)) % comp.items.length;
    [...$("completion").children].forEach((li, i) => li.classList.toggle("on", i === comp.on));
    $("completion").children[comp.on].scrollIntoView({ block: "nearest" });
    return;
  }
  if (open && e.key === "Tab") { e.preventDefault(); acceptCompletion(comp.on); return; }
  if (e.key === "Escape") { hideCompletion(); $("history").hidden = true; return; }
  if (e.key === "Enter") { e.preventDefault(); applyFilter(); }
  if (e.key === "ArrowDown" && !open) { $("list-scroll").focus(); if (S.sel < 0) selectPos(0); }
}

// ---------------------------------------------------------------- side panes

function showTab(name) {
  for (const b of document.querySelectorAll("#tabs button")) b.classList.toggle("on", b.dataset.tab === name);
  for (const t of document.querySelectorAll(".tab")) t.classList.toggle("on", t.id === "tab-" + name);
  if (name === "timeline") drawTimeline();
  if (name === "seq") drawSeq();
}

async function loadSides() {
  const t = S.trace;
  const [d, c, h] = await Promise.all([api("diagnose", { t }), api("conversations", { t }), api("http", { t })]);
  if (t !== S.trace) return;
  renderDiag(d); renderConv(c); renderHTTP(h);
  loadTimeline();
}

function frameLinks(frames) {
  const span = el("span");
  for (const f of frames || []) span.append(el("span", { className: "frame-link", "data-frame": f, onclick: () => goToFrame(f) }, "#" + f));
  return span;
}

function renderDiag(d) {
  const box = $("tab-diag");
  box.textContent = "";
  if (d.pending) { box.append(el("div", { className: "empty" }, "indexing…")); return; }
  box.append(el("p", null, d.summary));
  const groups = new Map();
  for (const f of d.findings || []) {
    const k = f.severity + " · " + f.category;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(f);
  }
  for (const [k, list] of groups) {
    box.append(el("div", { className: "group-title" }, k + " (" + list.length + ")"));
    for (const f of list) {
      const card = el("div", { className: "finding " + f.severity },
        el("h4", null, f.title),
        el("div", { className: "detail" }, f.detail),
        f.frames && f.frames.length ? el("div", null, "frames: ", frameLinks(f.frames)) : null);
      if (f.filter) card.append(el("div", null, el("button", { title: f.filter, onclick: () => applyFilter(f.filter) }, "Filter: " + f.filter)));
      card.addEventListener("click", (e) => { if (e.target === card || e.target.tagName === "H4") goToFrame((f.frames || [])[0]); });
      box.append(card);
    }
  }
}

// appendRowsLater appends table rows in batches between frames, so that a pane with tens of thousands of
// rows never blocks scrolling and typing; beyond max rows a note says how many were left out.
const PANE_MAX_ROWS = 20000;
function appendRowsLater(box, tb, items, makeRow) {
  const n = Math.min(items.length, PANE_MAX_ROWS);
  let i = 0;
  const token = {};
  box._rowsToken = token;
  const step = () => {
    if (box._rowsToken !== token) return; // the pane was redrawn
    const end = Math.min(n, i + 500);
    const frag = document.createDocumentFragment();
    for (; i < end; i++) frag.append(makeRow(items[i]));
    tb.append(frag);
    if (i < n) requestAnimationFrame(step);
    else if (items.length > n) box.append(el("div", { className: "empty" }, "first " + n.toLocaleString() + " of " + items.length.toLocaleString() + " shown; filter the message list to narrow them"));
  };
  step();
}

function renderConv(list) {
  const box = $("tab-conv");
  box.textContent = "";
  if (list.pending) { box.append(el("div", { className: "empty" }, "indexing…")); return; }
  if (!list.length) { box.append(el("div", { className: "empty" }, "no TCP or UDP conversations")); return; }
  const tb = el("tbody");
  appendRowsLater(box, tb, list, (c) =>
    el("tr", { className: "click", "data-stream": c.stream, "data-proto": c.proto, title: "show this conversation's messages",
      onclick: (e) => { showConversation(c.stream, c.proto === "udp"); if (c.proto === "tcp") loadSeq(c.stream, true); } },
      el("td", null, c.proto), el("td", null, c.stream), el("td", null, c.client), el("td", null, c.server),
      el("td", { className: "st-" + c.state }, c.state), el("td", null, c.history), el("td", null, c.start), el("td", null, c.duration),
      el("td", null, c.packets[0] + "/" + c.packets[1]), el("td", null, c.bytes[0] + "/" + c.bytes[1]), el("td", null, c.retrans), el("td", null, c.irtt)));
  const head = el("tr");
  for (const h of ["proto", "stream", "client", "server", "state", "history", "start", "duration", "pkts →/←", "bytes →/←", "retrans", "irtt"]) head.append(el("th", null, h));
  box.append(el("table", { className: "grid" }, el("thead", null, head), tb));
}

function renderHTTP(h) {
  const box = $("tab-http");
  box.textContent = "";
  const ops = (h && h.operations) || [];
  if (h.pending) { box.append(el("div", { className: "empty" }, "indexing…")); return; }
  if (!ops.length) { box.append(el("div", { className: "empty" }, "no HTTP operations")); return; }
  const tb = el("tbody");
  const start = (currentTrace() || {}).start || 0;
  appendRowsLater(box, tb, ops, (o) => {
    const st = o.status ? String(o.status) : "";
    const rt = o.respTime && o.reqTime ? ((o.respTime - o.reqTime) / 1e6).toFixed(1) + " ms" : "";
    const first = o.reqFrame || o.respFrame;
    return el("tr", { className: "click", "data-req": first, onclick: () => goToFrame(first) },
      el("td", null, o.chain ? "↳" + o.chain : ""), el("td", null, o.stream),
      el("td", null, o.reqFrame ? frameLinks([o.reqFrame]) : "—"), el("td", null, o.respFrame ? frameLinks([o.respFrame]) : "—"),
      el("td", null, o.method), el("td", null, o.host), el("td", { title: o.uri }, o.uri.length > 80 ? o.uri.slice(0, 80) + "…" : o.uri),
      el("td", { className: st ? "status-" + st[0] + "xx" : "" }, (st + " " + (o.phrase || "")).trim()),
      el("td", null, rt), el("td", null, o.bodyLen), el("td", null, o.location), el("td", null, o.serverHeader), el("td", null, o.contentType), el("td", null, o.notes));
  });
  const head = el("tr");
  for (const x of ["chain", "stream", "request", "response", "method", "host", "uri", "status", "time", "body", "location", "server", "type", "notes"]) head.append(el("th", null, x));
  box.append(el("table", { className: "grid" }, el("thead", null, head), tb));
  void start;
}

// ---------------------------------------------------------------- follow stream

async function followStream(n, udp) {
  showTab("follow");
  $("follow-title").textContent = "following stream " + n + "…";
  $("follow-text").textContent = "";
  const f = await api("follow", { t: S.trace, stream: n, udp: udp ? 1 : "" });
  $("follow-title").textContent = (udp ? "UDP" : "TCP") + " stream " + n + ": " + f.client + " → " + f.server + " " + f.bytes[0] + " bytes, ← " + f.bytes[1] + " bytes" + (f.truncated ? " (first 2 MB shown)" : "");
  const pre = $("follow-text");
  for (const c of f.chunks) {
    if (c.gap) pre.append(el("span", { className: "gap" }, "[" + c.gap + " bytes missing in capture]\n"));
    else pre.append(el("span", { className: "d" + c.dir, title: "frame " + c.frame }, c.text));
  }
}

// ---------------------------------------------------------------- timeline

async function loadTimeline() {
  const z = S.tlZoom;
  const c = $("timeline");
  const buckets = Math.max(50, Math.min(1000, Math.floor((c.clientWidth || 400) / 3)));
  S.tl = await api("timeline", { t: S.trace, from: z ? z.from : "", to: z ? z.to : "", buckets });
  drawTimeline();
}

function canvasCtx(c) {
  const dpr = window.devicePixelRatio || 1;
  const w = c.clientWidth || 400, h = c.clientHeight || Number(c.getAttribute("height"));
  if (c.width !== Math.round(w * dpr)) { c.width = Math.round(w * dpr); c.height = Math.round(h * dpr); }
  const g = c.getContext("2d");
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, h);
  return { g, w, h };
}

function fmtSec(ns) { return (ns / 1e9).toFixed(ns < 1e10 ? 3 : 1) + " s"; }

function drawTimeline() {
  const tl = S.tl;
  const c = $("timeline");
  if (!tl || !c.clientWidth) return;
  const { g, w, h } = canvasCtx(c);
  const bytes = document.querySelector("input[name=tl-mode]:checked").value === "bytes";
  const vals = bytes ? tl.bytes : tl.packets;
  const max = Math.max(1, ...vals);
  const n = vals.length, bw = w / n, top = 14, base = h - 16;
  g.fillStyle = "#4a78b5";
  for (let i = 0; i < n; i++) {
    const v = vals[i];
    if (!v) continue;
    const bh = Math.max(1, (base - top) * v / max);
    g.fillRect(i * bw, base - bh, Math.max(1, bw - 0.5), bh);
  }
  for (let i = 0; i < n; i++) {
    if (tl.errors[i]) { g.fillStyle = "#d22"; g.fillRect(i * bw, 2, Math.max(2, bw), 8); }
    else if (tl.warnings[i]) { g.fillStyle = "#e6a100"; g.fillRect(i * bw, 4, Math.max(2, bw), 6); }
  }
  if (S.win) {
    const x0 = (S.win.from - tl.from) / (tl.to - tl.from) * w, x1 = (S.win.to - tl.from) / (tl.to - tl.from) * w;
    g.fillStyle = "rgba(255,200,0,.25)"; g.fillRect(x0, 0, x1 - x0, h);
  }
  if (S.brush) {
    g.fillStyle = "rgba(0,90,200,.2)"; g.fillRect(Math.min(S.brush.x0, S.brush.x1), 0, Math.abs(S.brush.x1 - S.brush.x0), h);
  }
  g.fillStyle = "#333"; g.font = "11px sans-serif";
  g.fillText(fmtSec(tl.from), 2, h - 3);
  const rt = fmtSec(tl.to); g.fillText(rt, w - g.measureText(rt).width - 2, h - 3);
  g.fillText("max " + max.toLocaleString() + (bytes ? " bytes" : " packets") + " per " + fmtSec(tl.bucket), w / 2 - 60, 24);
  $("tl-info").textContent = "markers: red = errors, orange = warnings in that interval";
}

function tlTime(x) {
  const tl = S.tl, w = $("timeline").clientWidth;
  return Math.round(tl.from + (tl.to - tl.from) * Math.min(Math.max(x / w, 0), 1));
}

function setupTimeline() {
  const c = $("timeline");
  c.addEventListener("mousedown", (e) => { if (!S.tl) return; S.brush = { x0: e.offsetX, x1: e.offsetX }; });
  c.addEventListener("mousemove", (e) => { if (S.brush) { S.brush.x1 = e.offsetX; drawTimeline(); } });
  window.addEventListener("mouseup", () => {
    if (!S.brush) return;
    const b = S.brush; S.brush = null;
    if (Math.abs(b.x1 - b.x0) < 3) { drawTimeline(); return; }
    const from = tlTime(Math.min(b.x0, b.x1)), to = tlTime(Math.max(b.x0, b.x1));
    S.win = { from, to: Math.max(to, from + 1) };
    updateWindowChip();
    resetView(true);
    drawTimeline();
  });
  c.addEventListener("wheel", (e) => {
    if (!S.tl) return;
    e.preventDefault();
    const tl = S.tl, at = tlTime(e.offsetX);
    const span = (tl.to - tl.from) * (e.deltaY < 0 ? 0.6 : 1.6);
    let from = Math.round(at - (at - tl.from) * span / (tl.to - tl.from));
    let to = Math.round(from + span);
    from = Math.max(0, from); to = Math.min(tl.end, to);
    if (to - from < 1000 || (from <= 0 && to >= tl.end)) S.tlZoom = to - from < 1000 ? S.tlZoom : null;
    else S.tlZoom = { from, to };
    loadTimeline();
  }, { passive: false });
  $("tl-reset").addEventListener("click", () => { S.tlZoom = null; loadTimeline(); });
  for (const r of document.querySelectorAll("input[name=tl-mode]")) r.addEventListener("change", drawTimeline);
}

function updateWindowChip() {
  $("window-chip").hidden = !S.win;
  if (S.win) $("window-text").textContent = "time " + (S.win.from / 1e9).toFixed(6) + " – " + (S.win.to / 1e9).toFixed(6) + " s";
}

// ---------------------------------------------------------------- TCP sequence graph (Stevens)

async function loadSeq(n, quiet) {
  if (n === undefined || n === null || n < 0) return;
  if (!quiet) showTab("seq");
  $("seq-title").textContent = "TCP stream " + n + ": reading…";
  const g = await api("tcpseq", { t: S.trace, stream: n });
  S.seq = g;
  drawSeq();
}

function drawSeq() {
  const sg = S.seq;
  const c = $("seqgraph");
  if (!sg || !c.clientWidth) return;
  const { g, w, h } = canvasCtx(c);
  const rev = $("seq-reverse").checked;
  // The data direction: the side that sent more bytes, unless reversed.
  let sent = [0, 0];
  for (const p of sg.points) sent[p.dir] += p.len;
  let dir = sent[1] > sent[0] ? 1 : 0;
  if (rev) dir = 1 - dir;
  const data = sg.points.filter((p) => p.dir === dir), acks = sg.points.filter((p) => p.dir !== dir && p.flags & 0x10);
  $("seq-title").textContent = "TCP stream " + sg.stream + ": " + (dir === 0 ? sg.client + " → " + sg.server : sg.server + " → " + sg.client) + " · " + data.length + " segments" + (sg.truncated ? " (truncated)" : "");
  if (!sg.points.length) return;
  let t0 = Infinity, t1 = -Infinity, s1 = 1;
  for (const p of sg.points) { t0 = Math.min(t0, p.rel); t1 = Math.max(t1, p.rel); }
  for (const p of data) s1 = Math.max(s1, p.seq + p.len);
  for (const p of acks) s1 = Math.max(s1, p.ack);
  const L = 50, B = 18, T = 6;
  const X = (t) => L + (w - L - 6) * (t1 > t0 ? (t - t0) / (t1 - t0) : 0.5);
  const Y = (s) => h - B - (h - B - T) * s / s1;
  g.strokeStyle = "#bbb"; g.beginPath(); g.moveTo(L, T); g.lineTo(L, h - B); g.lineTo(w, h - B); g.stroke();
  g.fillStyle = "#333"; g.font = "11px sans-serif";
  g.fillText(String(s1), 2, T + 8); g.fillText("0", 2, h - B);
  g.fillText(fmtSec(t0), L, h - 4); const r = fmtSec(t1); g.fillText(r, w - g.measureText(r).width - 4, h - 4);
  // ACK line (the receiver's cumulative ACK) as a step line.
  g.strokeStyle = "#2a9d3a"; g.beginPath();
  acks.forEach((p, i) => { const x = X(p.rel), y = Y(p.ack); if (i === 0) g.moveTo(x, y); else g.lineTo(x, y); });
  g.stroke();
  S.seqHits = [];
  for (const p of data) {
    const x = X(p.rel);
    const bad = p.sev >= 3;
    g.strokeStyle = bad ? "#d22" : "#1f4fa8"; g.lineWidth = bad ? 2 : 1;
    g.beginPath(); g.moveTo(x, Y(p.seq)); g.lineTo(x, Y(p.seq + Math.max(p.len, 0)) - (p.len ? 0 : 2)); g.stroke();
    if (p.flags & 0x07) { g.fillStyle = p.flags & 0x04 ? "#d22" : "#333"; g.fillRect(x - 2, Y(p.seq) - 2, 4, 4); }
    S.seqHits.push({ x, y: Y(p.seq + p.len / 2), p });
  }
  g.lineWidth = 1;
}

function seqClick(e) {
  if (!S.seqHits) return;
  let best = null, bd = 64;
  for (const h of S.seqHits) { const d = (h.x - e.offsetX) ** 2 + (h.y - e.offsetY) ** 2; if (d < bd) { bd = d; best = h; } }
  if (best) { $("seq-info").textContent = "frame " + best.p.frame + " seq " + best.p.seq + " len " + best.p.len; goToFrame(best.p.frame); }
}

// ---------------------------------------------------------------- layout: splitters, pane toggles

function setupLayout() {
  const ws = $("workspace");
  for (const sp of document.querySelectorAll(".splitter")) {
    sp.addEventListener("mousedown", (e) => {
      e.preventDefault();
      const move = (ev) => {
        const r = ws.getBoundingClientRect();
        if (sp.classList.contains("h")) document.documentElement.style.setProperty("--list-h", Math.max(60, ev.clientY - r.top) + "px");
        else if (sp.classList.contains("vside")) document.documentElement.style.setProperty("--side-w", Math.max(150, r.right - ev.clientX) + "px");
        else { const b = $("details-body").getBoundingClientRect(); document.documentElement.style.setProperty("--tree-w", Math.max(100, ev.clientX - b.left) + "px"); }
        renderList();
      };
      const up = () => { window.removeEventListener("mousemove", move); window.removeEventListener("mouseup", up); drawTimeline(); drawSeq(); };
      window.addEventListener("mousemove", move);
      window.addEventListener("mouseup", up);
    });
  }
  const toggles = $("pane-toggles");
  for (const [id, cls, name] of [["pane-list", "no-list", "Messages"], ["pane-details", "no-details", "Details"], ["side", "no-side", "Side"]]) {
    const cb = el("input", { type: "checkbox", checked: true, id: "toggle-" + id });
    cb.addEventListener("change", () => {
      $(id).classList.toggle("hidden", !cb.checked);
      ws.classList.toggle(cls, !cb.checked);
      document.querySelector(".splitter[data-for=" + (id === "side" ? "side" : "pane-list") + "]").classList.toggle("hidden", !cb.checked && id !== "pane-details" || (id === "pane-details" && !cb.checked));
      renderList();
    });
    toggles.append(el("label", null, cb, " " + name));
  }
}

// ---------------------------------------------------------------- wiring

function init() {
  S.detGen = 0;
  buildHead();
  setupLayout();
  setupTimeline();
  const sc = $("list-scroll");
  sc.addEventListener("scroll", () => renderList(), { passive: true });
  sc.addEventListener("keydown", listKeys);
  $("list-rows").addEventListener("click", (e) => {
    const r = e.target.closest(".row[data-pos]");
    if (r) { sc.focus({ preventScroll: true }); selectPos(Number(r.dataset.pos)); }
  });
  $("list-rows").addEventListener("contextmenu", listMenu);
  window.addEventListener("resize", () => { renderList(); drawTimeline(); drawSeq(); });
  document.addEventListener("click", (e) => {
    if (!e.target.closest("#menu")) hideMenu();
    if (!e.target.closest("#history") && e.target.id !== "filter-history") $("history").hidden = true;
  });
  const inp = $("filter");
  inp.addEventListener("input", () => { checkFilter(); complete(); });
  inp.addEventListener("keydown", filterKeys);
  inp.addEventListener("blur", () => setTimeout(hideCompletion, 150));
  $("filter-apply").addEventListener("click", () => applyFilter());
  $("filter-clear").addEventListener("click", () => applyFilter(""));
  $("filter-history").addEventListener("click", showHistory);
  $("window-clear").addEventListener("click", () => { S.win = null; updateWindowChip(); resetView(true); drawTimeline(); });
  $("time-mode").addEventListener("change", (e) => { S.timeMode = e.target.value; buildHead(); renderList(); });
  $("trace-select").addEventListener("change", (e) => selectTrace(Number(e.target.value)));
  $("file-input").addEventListener("change", (e) => { const f = e.target.files[0]; if (f) upload(f); e.target.value = ""; });
  $("tree").addEventListener("keydown", treeKeys);
  $("hex").addEventListener("click", hexClick);
  $("apply-field").addEventListener("click", () => { const f = S.selNode && nodeFilter(S.selNode._node); if (f) applyFilter(f); });
  $("seqgraph").addEventListener("click", seqClick);
  $("seq-reverse").addEventListener("change", drawSeq);
  for (const b of document.querySelectorAll("#tabs button")) b.addEventListener("click", () => {
    showTab(b.dataset.tab);
    if (b.dataset.tab === "seq" && S.stream && !S.stream.udp && (!S.seq || S.seq.stream !== S.stream.n)) loadSeq(S.stream.n);
  });
  // Drag and drop a trace anywhere on the page.
  let depth = 0;
  window.addEventListener("dragenter", (e) => { e.preventDefault(); depth++; $("drop-hint").hidden = false; });
  window.addEventListener("dragleave", () => { if (--depth <= 0) { depth = 0; $("drop-hint").hidden = true; } });
  window.addEventListener("dragover", (e) => e.preventDefault());
  window.addEventListener("drop", (e) => {
    e.preventDefault(); depth = 0; $("drop-hint").hidden = true;
    const f = e.dataTransfer && e.dataTransfer.files[0];
    if (f) upload(f);
  });
  document.addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && (e.key === "/" || e.key === "l" || e.key === "f")) { e.preventDefault(); inp.focus(); inp.select(); }
    if (e.key === "Escape") hideMenu();
    if (e.altKey && /^[1-6]$/.test(e.key)) showTab(["diag", "conv", "http", "timeline", "seq", "follow"][Number(e.key) - 1]);
  });
  // Fetch field types used by "apply as filter" once.
  api("fields", { prefix: "", limit: 5000 }).then((l) => { for (const f of l) fieldTypes.set(f.name, f.type); });
  refreshTraces().then(poll);
}

document.addEventListener("DOMContentLoaded", init);
