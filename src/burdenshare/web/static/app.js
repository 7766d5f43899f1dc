// burdenshare dashboard: controls from /api/scenarios/{name}/levers, runs through /api/runs,
// progress by server-sent events, charts from /api/runs/{id}/charts.  No model logic here: every
// number shown comes from the API.  The query string is the view (scenario, set, draws, seed, bank).
"use strict";

const $ = (id) => document.getElementById(id);
const state = { levers: [], runId: null, events: null, scenario: null, polling: null, drivers: null };

function token() { return sessionStorage.getItem("burdenshare-token") || ""; }

async function api(path, options = {}) {
  const headers = Object.assign({ "Accept": "application/json" }, options.headers || {});
  if (token()) headers["Authorization"] = "Bearer " + token();
  if (options.body && typeof options.body !== "string") {
    headers["Content-Type"] = "application/json";
    options = Object.assign({}, options, { body: JSON.stringify(options.body) });
  }
  const res = await fetch(path, Object.assign({}, options, { headers }));
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = { error: { message: text } }; }
  if (res.status === 401) { $("token-box").hidden = false; }
  if (!res.ok) {
    const err = (data && data.error) || { message: res.statusText };
    const e = new Error((err.field ? err.field + ": " : "") + err.message);
    e.status = res.status; e.body = err; throw e;
  }
  return { status: res.status, data };
}

function showError(msg) { const el = $("error"); el.textContent = msg || ""; el.hidden = !msg; }
function setStatus(text) { $("status").textContent = text; }

// ------------------------------------------------------------------ formatting

const pct = (p) => (p === null || p === undefined) ? "n/a" : (100 * p).toFixed(1) + " %";
const bn = (krw) => (krw === null || krw === undefined) ? "n/a" : "KRW " + (krw / 1e9).toLocaleString("en-US", { maximumFractionDigits: 0 }) + " bn";
const musd = (usd) => (usd === null || usd === undefined) ? "n/a" : "$" + (usd / 1e6).toLocaleString("en-US", { maximumFractionDigits: 0 }) + " M";
const addDays = (iso, n) => { const d = new Date(iso + "T00:00:00Z"); d.setUTCDate(d.getUTCDate() + n); return d.toISOString().slice(0, 10); };
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

// ------------------------------------------------------------------ levers

function tomlValue(lever, value) {
  if (Array.isArray(value)) return "[" + value.join(", ") + "]";
  if (value === "none") return '"none"';
  return String(value);
}

function leverId(path) { return "lever-" + path.replace(/[^A-Za-z0-9]/g, "-"); }

function buildLevers(levers) {
  const box = $("levers");
  box.querySelectorAll(".lever").forEach((n) => n.remove());
  for (const lv of levers) {
    const id = leverId(lv.path);
    const div = document.createElement("div");
    div.className = "field lever";
    div.dataset.path = lv.path;
    const unit = lv.unit ? ` (${lv.unit})` : "";
    let html = "";
    if (lv.type.startsWith("array") && lv.choices) {
      html = `<span id="${id}-label" class="label">${esc(lv.description)}${esc(unit)}</span><div role="group" aria-labelledby="${id}-label">` +
        lv.choices.map((c) => `<label class="inline"><input type="checkbox" id="${id}-${c}" value="${c}" ${lv.default.includes(c) ? "checked" : ""}> ${c}</label>`).join(" ") + "</div>";
    } else if (lv.type.includes("date")) {
      const none = lv.choices && lv.choices.includes("none");
      const isNone = lv.default === "none";
      html = `<label for="${id}">${esc(lv.description)}</label><input id="${id}" type="date" value="${isNone ? "" : esc(lv.default)}" ${isNone ? "disabled" : ""}>` +
        (none ? `<label class="inline"><input type="checkbox" id="${id}-none" ${isNone ? "checked" : ""}> none</label>` : "");
    } else if (lv.type === "number" || lv.type === "integer") {
      const share = lv.min === 0 && lv.max === 1;
      const step = share ? "0.05" : (lv.unit === "USD" ? "100000000" : "any");
      const min = lv.min === null ? "" : `min="${lv.min}"`;
      const max = lv.max === null ? "" : `max="${lv.max}"`;
      html = `<label for="${id}">${esc(lv.description)}${esc(unit)}</label>` +
        (share ? `<input id="${id}-range" type="range" ${min} ${max} step="${step}" value="${lv.default}" aria-label="${esc(lv.description)} slider">` : "") +
        `<input id="${id}" type="number" ${min} ${max} step="${step}" value="${lv.default}">`;
    } else {
      html = `<label for="${id}">${esc(lv.description)}</label><input id="${id}" type="text" value="${esc(JSON.stringify(lv.default))}">`;
    }
    if (lv.source) html += `<span class="lever-source">source: ${esc(lv.source)}</span>`;
    div.innerHTML = html;
    box.appendChild(div);
    const range = document.getElementById(id + "-range");
    const input = document.getElementById(id);
    if (range && input) {
      range.addEventListener("input", () => { input.value = range.value; updateShare(); });
      input.addEventListener("input", () => { range.value = input.value; updateShare(); });
    } else if (input) {
      input.addEventListener("input", updateShare);
    }
    const none = document.getElementById(id + "-none");
    if (none) none.addEventListener("change", () => { input.disabled = none.checked; updateShare(); });
    div.querySelectorAll("input[type=checkbox]").forEach((c) => c.addEventListener("change", updateShare));
  }
}

function leverValue(lv) {
  const id = leverId(lv.path);
  if (lv.type.startsWith("array") && lv.choices) {
    return lv.choices.filter((c) => document.getElementById(`${id}-${c}`).checked);
  }
  const input = document.getElementById(id);
  const none = document.getElementById(id + "-none");
  if (none && none.checked) return "none";
  if (lv.type === "number" || lv.type === "integer") return input.value === "" ? lv.default : Number(input.value);
  return input.value;
}

function setLever(lv, text) {
  // text is the TOML value of a --set entry
  const id = leverId(lv.path);
  let value = text.trim();
  if (lv.type.startsWith("array") && lv.choices) {
    const chosen = value.replace(/[\[\]\s]/g, "").split(",").filter(Boolean).map(Number);
    lv.choices.forEach((c) => { document.getElementById(`${id}-${c}`).checked = chosen.includes(c); });
    return;
  }
  const none = document.getElementById(id + "-none");
  const input = document.getElementById(id);
  if (value === '"none"' || value === "'none'") { if (none) { none.checked = true; input.disabled = true; } return; }
  if (none) { none.checked = false; input.disabled = false; }
  input.value = value;
  const range = document.getElementById(id + "-range");
  if (range) range.value = value;
}

function currentSet() {
  const out = [];
  for (const lv of state.levers) {
    const v = leverValue(lv);
    if (JSON.stringify(v) !== JSON.stringify(lv.default)) out.push(`${lv.path}=${tomlValue(lv, v)}`);
  }
  return out;
}

function request() {
  return { scenario: $("scenario").value, set: currentSet(), draws: Number($("draws").value),
           seed: Number($("seed").value), bank_size: Number($("bank").value) };
}

// ------------------------------------------------------------------ share and reproduce

function shareUrl(req) {
  const q = new URLSearchParams();
  q.set("scenario", req.scenario);
  for (const s of req.set) q.append("set", s);
  q.set("draws", req.draws); q.set("seed", req.seed); q.set("bank", req.bank_size);
  return location.origin + location.pathname + "?" + q.toString();
}

function shellQuote(s) { return /^[A-Za-z0-9_.=:\/,+-]+$/.test(s) ? s : "'" + s.replace(/'/g, "'\\''") + "'"; }

function updateShare() {
  if (!state.levers.length) return;
  const req = request();
  $("share").value = shareUrl(req);
  const sets = req.set.map((s) => " --set " + shellQuote(s)).join("");
  $("repro-cli").value = `burdenshare run ${req.scenario} --draws ${req.draws} --seed ${req.seed} --bank-size ${req.bank_size}${sets} --json`;
  $("repro-py").value = "import burdenshare as bs\n" +
    `sc = bs.load_scenario(${JSON.stringify(req.scenario)}, ${JSON.stringify(req.set)})\n` +
    `r = bs.simulate(sc, bs.RunConfig(draws=${req.draws}, seed=${req.seed}, bank_size=${req.bank_size}))\n` +
    "print(r.summary())";
}

// ------------------------------------------------------------------ results

const fx = (x) => (x >= 0 ? "+" : "") + Number(x).toFixed(3);

function driverText(d) {
  if (typeof d === "string") return esc(d);
  return `<code>${esc(d.lever)}</code> ${esc(d.setting)}: P(ratified) ${fx(d.effect)}`;
}

function renderBottomLine(s, drivers) {
  const box = $("bottom-line");
  const b = s.bottom_line;
  if (b) {
    const parts = [`<p class="bl-text">${esc(b.text)}</p>`];
    const facts = [];
    if (b.most_likely) facts.push(`Most likely: ${esc(b.most_likely)}`);
    if (b.window) facts.push(`Window: ${esc(Array.isArray(b.window) ? b.window.join(" to ") : (typeof b.window === "object" ? Object.values(b.window).join(" to ") : b.window))}`);
    if (b.amount_krw !== undefined) facts.push(`Amount: ${bn(b.amount_krw)} (${musd(b.amount_usd)}) a year` + (b.increase_pct !== undefined && b.increase_pct !== null ? `, ${b.increase_pct >= 0 ? "+" : ""}${Number(b.increase_pct).toFixed(1)} %` : ""));
    if (b.p_ratified !== undefined) facts.push(`P(ratified): ${pct(b.p_ratified)}`);
    if (b.p_no_deal_by_horizon !== undefined) facts.push(`P(no deal by ${esc(b.horizon || "the horizon")}): ${pct(b.p_no_deal_by_horizon)}`);
    // the drivers come after the summary (the server computes them as a follow-up: "drivers" pending/ready/failed)
    if (drivers === "pending") facts.push(`<span id="drivers" data-state="pending">What moves it: computing the drivers (each lever stepped on the run's own draws)…</span>`);
    else if (drivers === "failed") facts.push(`<span id="drivers" data-state="failed">What moves it: the drivers could not be computed.</span>`);
    else if (b.drivers && b.drivers.length) facts.push(`<span id="drivers" data-state="ready">What moves it most: ${b.drivers.map(driverText).join("; ")}</span>`);
    else facts.push(`<span id="drivers" data-state="ready">What moves it: no lever step changes P(ratified) here.</span>`);
    box.innerHTML = parts.join("") + "<ul>" + facts.map((f) => `<li>${f}</li>`).join("") + "</ul>";
  } else {
    const inc = s.increase_pct ? s.increase_pct.p50 : null;
    const amt = s.amount_first_year_krw ? s.amount_first_year_krw.p50 : null;
    const text = s.p_ratified > 0
      ? `A ratified agreement in ${pct(s.p_ratified)} of draws (signed in ${pct(s.p_agreement)}); its median first-year amount is ${bn(amt)}, ${inc >= 0 ? "+" : ""}${inc === null ? "n/a" : inc.toFixed(1)} % on the current agreement.`
      : `No ratified agreement in any draw (a text is signed in ${pct(s.p_agreement)}).`;
    box.innerHTML = `<p class="bl-text">${esc(text)}</p>`;
  }
  const dl = $("headline");
  const rows = [
    ["P(agreement)", pct(s.p_agreement)], ["P(ratified)", pct(s.p_ratified)],
    ["Median amount (first year)", s.amount_first_year_krw ? bn(s.amount_first_year_krw.p50) : "n/a"],
    ["Median increase", s.increase_pct ? s.increase_pct.p50.toFixed(1) + " %" : "n/a"],
    ["Mean P(consent) at the vote", pct(s.mean_p_consent)],
    ["P(rejected by the President)", pct(s.p_rejected_by_president)],
    ["P(rejected by the Assembly)", pct(s.p_rejected_by_assembly)],
    ["Mean furlough worker-days", s.furlough_worker_days_mean.toLocaleString("en-US", { maximumFractionDigits: 0 })],
  ];
  dl.innerHTML = rows.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd data-key="${esc(k)}">${esc(v)}</dd></div>`).join("");
}

const LAYOUT = { margin: { l: 55, r: 15, t: 10, b: 45 }, font: { size: 12 }, showlegend: true, legend: { orientation: "h", y: -0.25 } };
const CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["sendDataToCloud"] };

function plot(id, traces, layout) {
  return Plotly.react(id, traces, Object.assign({}, LAYOUT, layout), CONFIG);
}

function renderCharts(c) {
  const amounts = c.amounts_krw.map((x) => x / 1e9);
  plot("chart-settlement", [{ type: "histogram", x: amounts, name: "ratified agreements", marker: { color: "#0b5cad" } }],
    { xaxis: { title: { text: "first-year amount (KRW bn)" } }, yaxis: { title: { text: "draws" } },
      shapes: [{ type: "line", x0: c.current_agreement_krw / 1e9, x1: c.current_agreement_krw / 1e9, yref: "paper", y0: 0, y1: 1, line: { dash: "dot", color: "#555" } }] });
  const first = c.round_dates[0], last = c.round_dates[c.round_dates.length - 1];
  const lo = c.key_dates.map((k) => k.date).concat([first]).filter((d) => d >= addDays(first, -45)).sort()[0];
  const keys = c.key_dates.filter((k) => k.date >= lo && k.date <= last);
  const shapes = keys.map((k) => ({ type: "line", x0: k.date, x1: k.date, yref: "paper", y0: 0, y1: 1, line: { dash: "dot", color: "#999", width: 1 } }));
  const notes = keys.map((k, i) => ({ x: k.date, y: 1 - 0.07 * (i % 5), yref: "paper", text: esc(k.label.slice(0, 30)), showarrow: false, font: { size: 9 }, xanchor: "left" }));
  plot("chart-timing", [
    { type: "scatter", mode: "lines+markers", x: c.by_round.map((d) => d.date), y: c.by_round.map((d) => d.p_signed), name: "P(signed by date)", line: { shape: "hv" } },
    { type: "scatter", mode: "lines+markers", x: c.by_round.map((d) => d.date), y: c.by_round.map((d) => d.p_ratified), name: "P(ratified by date)", line: { shape: "hv" } },
    { type: "scatter", mode: "markers", x: c.by_date.map((d) => d.date), y: c.by_date.map((d) => d.p), name: "key dates (summary)", error_y: { type: "data", symmetric: false, array: c.by_date.map((d) => d.hi - d.p), arrayminus: c.by_date.map((d) => d.p - d.lo) } },
  ], { xaxis: { range: [lo, addDays(last, 20)] }, yaxis: { range: [0, 1], title: { text: "probability" } }, shapes, annotations: notes });
  const curves = c.consent_curves.map((k) => ({ type: "scatter", mode: "lines", x: k.amounts_krw.map((x) => x / 1e9), y: k.p_consent, name: k.label }));
  const marks = [{ x: c.current_agreement_krw / 1e9, label: "current agreement" }];
  if (c.ask_krw) marks.push({ x: c.ask_krw / 1e9, label: "US ask (as of)" });
  const xmax = Math.max(...c.consent_curves.flatMap((k) => k.amounts_krw)) / 1e9;
  const cshapes = [{ type: "line", xref: "paper", x0: 0, x1: 1, y0: 0.5, y1: 0.5, line: { dash: "dot", color: "#b3261e" } }]
    .concat(marks.filter((m) => m.x <= xmax).map((m) => ({ type: "line", x0: m.x, x1: m.x, yref: "paper", y0: 0, y1: 1, line: { dash: "dot", color: "#555" } })));
  const cnotes = marks.filter((m) => m.x <= xmax).map((m) => ({ x: m.x, y: 0.95, yref: "paper", text: m.label, showarrow: false, font: { size: 9 }, xanchor: "left" }));
  plot("chart-consent", curves, { xaxis: { title: { text: "first-year amount (KRW bn)" } }, yaxis: { range: [0, 1], title: { text: "P(consent)" } }, shapes: cshapes, annotations: cnotes });
  const v = c.votes;
  if (v && v.blocs) {
    const blocs = v.blocs.map((b) => b.bloc);
    plot("chart-votes", [
      { type: "bar", x: blocs, y: v.blocs.map((b) => b.yes), name: "yes" },
      { type: "bar", x: blocs, y: v.blocs.map((b) => b.not_yes), name: "not yes" },
      { type: "bar", x: blocs, y: v.blocs.map((b) => b.absent), name: "absent" },
    ], { barmode: "stack", yaxis: { title: { text: "expected seats" } } });
  } else {
    plot("chart-votes", [{ type: "bar", x: ["no ratified agreement"], y: [0], name: "none" }], {});
  }
}

function renderDownloads(runId) {
  const base = `/api/runs/${runId}`;
  $("downloads").innerHTML = [
    [`${base}/rows?format=csv`, "Rows (CSV)", `${runId}.csv`], [`${base}/rows?format=parquet`, "Rows (Parquet)", `${runId}.parquet`],
    [base, "Summary (JSON)", `${runId}.json`], [`${base}/report`, "Report (HTML)", `${runId}.html`],
  ].map(([href, text, name]) => `<li><a id="dl-${text.split(" ")[0].toLowerCase()}-${name.split(".").pop()}" href="${href}" download="${name}">${text}</a></li>`).join("");
}

async function showRun(runId) {
  const { data } = await api(`/api/runs/${runId}`);
  if (data.status !== "done") return;
  renderBottomLine(data.summary, data.drivers);
  state.summary = data.summary;
  document.body.dataset.drivers = data.drivers || "";
  renderDownloads(runId);
  const charts = await api(`/api/runs/${runId}/charts`);
  renderCharts(charts.data);
  document.body.dataset.runId = runId;
  document.body.dataset.ready = "1";
  if (data.drivers === "pending") followDrivers(runId);
}

// the bottom line's drivers, filled in when the server has them (the summary is shown at once)
function followDrivers(runId) {
  if (state.drivers) clearTimeout(state.drivers);
  const check = async () => {
    state.drivers = null;
    if (state.runId !== runId) return;  // another run was asked for meanwhile
    try {
      const { data } = await api(`/api/runs/${runId}`);
      if (state.runId !== runId) return;
      if (data.drivers === "pending") { state.drivers = setTimeout(check, 300); return; }
      renderBottomLine(data.summary, data.drivers);
      state.summary = data.summary;
      document.body.dataset.drivers = data.drivers || "";
    } catch (e) { showError(e.message); }
  };
  state.drivers = setTimeout(check, 300);
}

function finish(status, runId, error) {
  $("run").disabled = false; $("cancel").disabled = true;
  if (state.events) { state.events.close(); state.events = null; }
  if (state.polling) { clearInterval(state.polling); state.polling = null; }
  setStatus(status);
  if (status === "done") { $("progress").value = 1; showRun(runId).catch((e) => showError(e.message)); }
  else if (error) showError(error.message);
}

function onProgress(p) {
  $("progress").value = p.fraction || 0;
  setStatus(`running: ${p.done}/${p.total}` + (p.eta_s !== null && p.eta_s !== undefined ? `, about ${p.eta_s.toFixed(1)} s left` : ""));
}

function follow(runId) {
  if (!token()) {
    const es = new EventSource(`/api/runs/${runId}/events`);
    state.events = es;
    for (const kind of ["queued", "progress"]) es.addEventListener(kind, (ev) => { const d = JSON.parse(ev.data); if (kind === "queued") setStatus("queued"); else onProgress(d.progress); });
    for (const kind of ["done", "failed", "cancelled"]) es.addEventListener(kind, (ev) => { const d = JSON.parse(ev.data); finish(kind, runId, d.error); });
    es.onerror = () => { es.close(); state.events = null; poll(runId); };
  } else {
    poll(runId);
  }
}

function poll(runId) {
  if (state.polling) return;
  state.polling = setInterval(async () => {
    try {
      const { data } = await api(`/api/runs/${runId}`);
      if (["done", "failed", "cancelled"].includes(data.status)) finish(data.status, runId, data.error);
      else onProgress(data.progress);
    } catch (e) { finish("failed", runId, { message: e.message }); }
  }, 400);
}

async function run(ev) {
  if (ev) ev.preventDefault();
  showError("");
  document.body.dataset.ready = "";
  document.body.dataset.drivers = "";
  const req = request();
  history.replaceState(null, "", shareUrl(req));
  updateShare();
  $("run").disabled = true; $("progress").value = 0; setStatus("submitting");
  try {
    const { status, data } = await api("/api/runs", { method: "POST", body: req });
    state.runId = data.run_id;
    if (data.status === "done") { finish("done", data.run_id); return; }
    $("cancel").disabled = false;
    setStatus(status === 202 ? "queued" : data.status);
    follow(data.run_id);
  } catch (e) {
    $("run").disabled = false; setStatus("error"); showError(e.message);
  }
}

async function cancel() {
  if (!state.runId) return;
  try { const { data } = await api(`/api/runs/${state.runId}`, { method: "DELETE" }); if (data.status === "cancelled") finish("cancelled", state.runId); }
  catch (e) { showError(e.message); }
}

async function compareRun() {
  showError("");
  const req = request();
  setStatus("comparing");
  $("compare").disabled = true;
  try {
    const { data } = await api("/api/compare", { method: "POST", body: { scenario: req.scenario, base: [], variant: req.set, draws: req.draws, seed: req.seed, bank_size: req.bank_size } });
    const v = data.variants[0];
    const labels = { p_ratified: "P(ratified)", p_agreement: "P(agreement)", consent_component: "consent-probability part", amount_krw: "amount, both ratified (KRW bn)", furlough_worker_days: "furlough worker-days" };
    const scale = (k, x) => x === null ? "n/a" : (k === "amount_krw" ? (x / 1e9).toFixed(1) : Number(x).toFixed(4));
    const rows = Object.entries(labels).filter(([k]) => v.differences[k]).map(([k, label]) => {
      const d = v.differences[k];
      return `<tr><td>${label}</td><td>${scale(k, d.mean)}</td><td>${d.mean === null ? "n/a" : scale(k, d.lo) + " .. " + scale(k, d.hi)}</td></tr>`;
    });
    $("compare-out").innerHTML = `<p>Baseline: P(ratified) ${pct(data.baseline.p_ratified)}; variant (${esc(req.set.join(", ") || "no change")}): ${pct(v.summary.p_ratified)}. Paired differences on the same ${data.draws} draws (variant minus baseline):</p>` +
      `<div class="table-wrap"><table id="compare-table"><thead><tr><th>outcome</th><th>mean difference</th><th>95 % interval</th></tr></thead><tbody>${rows.join("")}</tbody></table></div>`;
    setStatus("compared");
  } catch (e) { showError(e.message); setStatus("error"); }
  $("compare").disabled = false;
}

async function loadScenario(name) {
  const { data } = await api(`/api/scenarios/${encodeURIComponent(name)}/levers`);
  state.levers = data.levers;
  buildLevers(data.levers);
  const info = state.scenarios.find((s) => s.name === name);
  $("scenario-info").textContent = info ? `${info.title} (information as of ${info.as_of}${info.hindsight ? ", hindsight" : ""})` : "";
  updateShare();
}

async function init() {
  $("token").addEventListener("change", () => { sessionStorage.setItem("burdenshare-token", $("token").value); $("token-box").hidden = true; init(); });
  try {
    const { data } = await api("/api/scenarios");
    state.scenarios = data.scenarios;
    $("scenario").innerHTML = data.scenarios.map((s) => `<option value="${esc(s.name)}">${esc(s.name)}</option>`).join("");
    const q = new URLSearchParams(location.search);
    const name = q.get("scenario") && data.scenarios.some((s) => s.name === q.get("scenario")) ? q.get("scenario") : data.scenarios[0].name;
    $("scenario").value = name;
    await loadScenario(name);
    if (q.has("draws")) $("draws").value = q.get("draws");
    if (q.has("seed")) $("seed").value = q.get("seed");
    if (q.has("bank")) $("bank").value = q.get("bank");
    for (const s of q.getAll("set")) {
      const at = s.indexOf("=");
      const lv = state.levers.find((l) => l.path === s.slice(0, at));
      if (lv) setLever(lv, s.slice(at + 1));
      else showError(`the link sets ${s.slice(0, at)}, which is not a lever of ${name}`);
    }
    updateShare();
    document.body.dataset.loaded = "1";
    if (q.has("scenario")) run();
  } catch (e) { showError(e.message); }
}

document.addEventListener("DOMContentLoaded", () => {
  $("run-form").addEventListener("submit", run);
  $("cancel").addEventListener("click", cancel);
  $("compare").addEventListener("click", compareRun);
  $("reset").addEventListener("click", () => { buildLevers(state.levers); updateShare(); });
  $("scenario").addEventListener("change", () => loadScenario($("scenario").value));
  ["draws", "seed", "bank"].forEach((id) => $(id).addEventListener("input", updateShare));
  init();
});
