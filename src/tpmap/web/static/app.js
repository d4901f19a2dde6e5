// tpmap serve: the page's script. Plain JavaScript, no build step. The state lives in the URL's query string, so
// a link reproduces the report; every change re-ranks through the JSON API (the command line's JSON).
"use strict";

const config = JSON.parse(document.getElementById("config").textContent);
const COMMON_SENSATIONS = ["tingling", "numbness", "burning", "electric", "coldness"];
const SHOWN = 5; // candidates listed before the questions; the rest follow them
const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------------------------------------- state

const state = {
  side: "",        // the side of the whole report: "", "left" or "right"
  text: "",        // the complaint in plain words
  marks: new Map(), // "region|side" -> {state: "pain" | "no", sensations: [...]}; side is left, right or mid
  feel: [],        // sensations felt at every place (answers to questions)
  moves: [],       // restricted movements (answers)
  tender: [],      // "region|side": pressed, tender and reproducing the pain
  notTender: [],   // "region|side": pressed, not tender
  skipped: [],     // "kind|subject|side": questions answered "no" that the report has no field for
};
let regions = new Map(); // id -> region record (name, parent, laterality)
let lastReport = null;
let generation = 0;
let readGeneration = 0;

function keyOf(region, side) { return `${region}|${side || ""}`; }
function splitKey(key) { const [region, side] = key.split("|"); return { region, side: side || "" }; }

function toQuery() {
  const params = new URLSearchParams();
  if (state.side) params.set("side", state.side);
  if (state.text) params.set("text", state.text);
  for (const [key, mark] of state.marks) {
    const { region, side } = splitKey(key);
    if (mark.state === "pain") params.append("pain", [region, side, mark.sensations.join(".")].join(":"));
    else params.append("no", `${region}:${side}`);
  }
  for (const s of state.feel) params.append("feel", s);
  for (const m of state.moves) params.append("move", m);
  for (const k of state.tender) params.append("tender", k.replace("|", ":"));
  for (const k of state.notTender) params.append("nottender", k.replace("|", ":"));
  for (const k of state.skipped) params.append("skip", k);
  return params.toString();
}

function fromQuery(search) {
  const params = new URLSearchParams(search);
  state.side = ["left", "right"].includes(params.get("side")) ? params.get("side") : "";
  state.text = (params.get("text") || "").slice(0, 2000);
  state.marks = new Map();
  for (const item of params.getAll("pain")) {
    const [region, side, sens] = item.split(":");
    if (region) state.marks.set(keyOf(region, side), { state: "pain", sensations: sens ? sens.split(".").filter(Boolean) : [] });
  }
  for (const item of params.getAll("no")) {
    const [region, side] = item.split(":");
    if (region) state.marks.set(keyOf(region, side), { state: "no", sensations: [] });
  }
  state.feel = params.getAll("feel");
  state.moves = params.getAll("move");
  state.tender = params.getAll("tender").map((k) => k.replace(":", "|"));
  state.notTender = params.getAll("nottender").map((k) => k.replace(":", "|"));
  state.skipped = params.getAll("skip");
}

function changed() {
  const query = toQuery();
  history.replaceState(null, "", query ? `?${query}` : location.pathname);
  drawMarks();
  drawPlaces();
  schedule();
}

// ---------------------------------------------------------------------------------------------- the API

async function api(path, body) {
  const init = body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  };
  const answer = await fetch(path, init);
  const type = answer.headers.get("content-type") || "";
  const data = type.includes("json") ? await answer.json() : await answer.text();
  if (!answer.ok) {
    const message = data && data.error ? data.error.message : `the server answered ${answer.status}`;
    throw new Error(message);
  }
  return data;
}

function placeOf(key) {
  const { region, side } = splitKey(key);
  return { region, side: side === "left" || side === "right" ? side : null };
}

function reportBody() {
  const sites = [];
  const absent = [];
  for (const [key, mark] of state.marks) {
    const place = placeOf(key);
    if (mark.state === "pain") sites.push({ ...place, sensations: mark.sensations });
    else absent.push(place);
  }
  const body = { sites, absent };
  if (state.text.trim()) body.text = [state.text];
  if (state.side) body.side = state.side;
  if (state.feel.length) body.sensations = state.feel;
  if (state.moves.length) body.movements = state.moves;
  if (state.tender.length) body.tender = state.tender.map(placeOf);
  if (state.notTender.length) body.not_tender = state.notTender.map(placeOf);
  return body;
}

function isEmpty() {
  return !state.text.trim() && ![...state.marks.values()].some((m) => m.state === "pain")
    && !state.moves.length && !state.tender.length;
}

let timer = null;
function schedule() {
  clearTimeout(timer);
  $("results").classList.add("stale"); // at once: what is shown no longer matches the report
  timer = setTimeout(refresh, 120);
}

async function refresh() {
  const mine = ++generation;
  $("error").textContent = "";
  if (isEmpty()) {
    lastReport = null;
    showEmpty();
    $("results").classList.remove("stale");
    return;
  }
  $("status").textContent = "Ranking…";
  const body = reportBody();
  try {
    const report = await api("/api/rank", { ...body, limit: 10 });
    if (mine !== generation) return;
    lastReport = report;
    showReport(report);
    const lead = report.candidates[0];
    $("status").textContent = lead
      ? `Ranked every muscle of the catalogue; first: ${lead.name}${lead.side ? ` (${lead.side})` : ""}, ${(100 * lead.probability).toFixed(1)}%.`
      : "No muscle of the catalogue fits this report.";
    const svg = await api("/api/charts/ranking", { ...body, top: 5 });
    if (mine !== generation) return;
    showHeat(svg);
    $("results").classList.remove("stale");
  } catch (err) {
    if (mine !== generation) return;
    // the results shown stay dimmed: they are those of the report before this change
    $("status").textContent = lastReport ? "The results below are for the report before this change." : "";
    lastReport = null; // nothing to download until the report can be ranked again
    $("download").disabled = true;
    $("error").textContent = `Cannot rank this report: ${err.message}`;
  }
}

// ---------------------------------------------------------------------------------------------- the body map

const mapShapes = () => document.querySelectorAll("svg.bodymap .region");

function shapeKey(shape) {
  return keyOf(shape.dataset.region, shape.dataset.side);
}

function within(region, area) {
  for (let r = region; r; r = regions.get(r) ? regions.get(r).parent : null) if (r === area) return true;
  return false;
}

function regionName(id) { return regions.get(id) ? regions.get(id).name : id.replaceAll("_", " "); }

function placeName(key) {
  const { region, side } = splitKey(key);
  const name = regionName(region);
  return side === "left" || side === "right" ? `${name} (${side})` : name;
}

// a place marked (or read) on a side: every drawn shape inside it on that side; a place without a side: both
function shapesFor(region, side) {
  return [...mapShapes()].filter((s) => within(s.dataset.region, region)
    && (!side || s.dataset.side === "mid" || s.dataset.side === side));
}

function cycle(shape) {
  const key = shapeKey(shape);
  const mark = state.marks.get(key);
  if (!mark) state.marks.set(key, { state: "pain", sensations: [] });
  else if (mark.state === "pain") state.marks.set(key, { state: "no", sensations: [] });
  else state.marks.delete(key);
  changed();
}

function drawMarks() {
  for (const shape of mapShapes()) {
    shape.classList.remove("pain", "no");
    const mark = state.marks.get(shapeKey(shape));
    const base = shape.querySelector("title").textContent;
    let label = base;
    if (mark) {
      shape.classList.add(mark.state);
      label = `${base}: ${mark.state === "pain" ? "hurts" : "does not hurt"}`;
    }
    shape.setAttribute("aria-label", label);
  }
  // a place marked that is not drawn itself (a parent, or a place from a question) outlines what lies inside it
  for (const [key, mark] of state.marks) {
    const { region, side } = splitKey(key);
    if (document.getElementById(`front-${region}-${side}`) || document.getElementById(`back-${region}-${side}`)) continue;
    for (const shape of shapesFor(region, side === "mid" ? "" : side)) if (!shape.classList.contains("pain")) shape.classList.add(mark.state);
  }
}

function markReading(reading) {
  for (const shape of mapShapes()) shape.classList.remove("text-pain", "text-no");
  if (!reading) return;
  for (const [places, mark] of [[reading.places, "text-pain"], [reading.absent, "text-no"]]) {
    for (const place of places) {
      const side = place.side === "left" || place.side === "right" ? place.side : (state.side || "");
      for (const shape of shapesFor(place.subject, side)) shape.classList.add(mark);
    }
  }
}

function showHeat(svgText) {
  const chart = new DOMParser().parseFromString(svgText, "image/svg+xml");
  const fills = new Map();
  for (const polygon of chart.querySelectorAll("polygon[id]")) {
    if (polygon.classList.contains("heat")) fills.set(polygon.id, polygon.getAttribute("fill"));
  }
  let hot = 0;
  for (const shape of mapShapes()) {
    const fill = fills.get(shape.id);
    shape.style.fill = fill || "";
    if (fill) hot += 1;
  }
  document.querySelector(".maps").dataset.hot = String(hot);
  const stops = [...chart.querySelectorAll("#heat-ramp stop")].map((s) => s.getAttribute("stop-color"));
  if (stops.length > 1) $("heat-swatch").style.background = `linear-gradient(90deg, ${stops.join(", ")})`;
}

function clearHeat() {
  for (const shape of mapShapes()) shape.style.fill = "";
  document.querySelector(".maps").dataset.hot = "0";
}

function zoom(name) {
  let label = "";
  for (const button of document.querySelectorAll("#zoom button")) {
    button.setAttribute("aria-pressed", String(button.dataset.zoom === name));
    if (button.dataset.zoom === name && name) label = button.textContent;
  }
  for (const svg of document.querySelectorAll("svg.bodymap")) {
    const box = name && config.zooms[name] ? config.zooms[name].views[svg.dataset.view] : null;
    svg.setAttribute("viewBox", box ? box.join(" ") : svg.dataset.full);
    const figure = svg.closest("figure");
    figure.classList.toggle("zoomed", Boolean(box));
    const view = svg.dataset.view === "front" ? "Front" : "Back";
    figure.querySelector("figcaption").textContent = box ? `${view}: ${label}` : view;
  }
}

// ---------------------------------------------------------------------------------------------- the report side

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function drawPlaces() {
  const list = $("places");
  list.replaceChildren();
  for (const [key, mark] of state.marks) {
    const item = el("li", { class: `state-${mark.state}` }, el("span", { class: "place-name", text: placeName(key) }), " ");
    item.append(el("button", { type: "button", "aria-label": `Remove ${placeName(key)}`, onclick: () => { state.marks.delete(key); changed(); } }, "remove"));
    if (mark.state === "pain") {
      const row = el("div", { class: "sensations", role: "group", "aria-label": `Sensations at ${placeName(key)}` });
      const toggle = (s) => {
        const on = mark.sensations.includes(s);
        mark.sensations = on ? mark.sensations.filter((x) => x !== s) : [...mark.sensations, s];
        changed();
      };
      for (const s of COMMON_SENSATIONS) {
        row.append(el("button", { type: "button", "aria-pressed": String(mark.sensations.includes(s)), onclick: () => toggle(s) }, s));
      }
      for (const s of mark.sensations.filter((x) => !COMMON_SENSATIONS.includes(x))) {
        row.append(el("button", { type: "button", "aria-pressed": "true", onclick: () => toggle(s) }, s.replaceAll("_", " ")));
      }
      const more = el("select", { "aria-label": `Another sensation at ${placeName(key)}` }, el("option", { value: "", text: "other…" }));
      for (const s of config.sensations) {
        if (!COMMON_SENSATIONS.includes(s.id) && !mark.sensations.includes(s.id)) more.append(el("option", { value: s.id, text: s.name }));
      }
      more.addEventListener("change", () => { if (more.value) toggle(more.value); });
      row.append(more);
      item.append(row);
    }
    list.append(item);
  }
  const findings = $("findings");
  findings.replaceChildren();
  const chip = (text, remove) => findings.append(el("li", {}, text, el("button", { type: "button", "aria-label": `Remove: ${text}`, onclick: remove }, "×")));
  for (const s of state.feel) chip(`felt everywhere: ${s.replaceAll("_", " ")}`, () => { state.feel = state.feel.filter((x) => x !== s); changed(); });
  for (const m of state.moves) chip(`restricted: ${m.replaceAll("_", " ")}`, () => { state.moves = state.moves.filter((x) => x !== m); changed(); });
  for (const k of state.tender) chip(`tender when pressed: ${placeName(k)}`, () => { state.tender = state.tender.filter((x) => x !== k); changed(); });
  for (const k of state.notTender) chip(`not tender: ${placeName(k)}`, () => { state.notTender = state.notTender.filter((x) => x !== k); changed(); });
  $("places-empty").hidden = state.marks.size > 0 || findings.children.length > 0;
}

function showEmpty() {
  $("status").textContent = "Click where it hurts on the body map, or describe the pain in words.";
  for (const id of ["flags", "candidates", "more-candidates", "questions", "cover", "satellites", "notes"]) $(id).replaceChildren();
  for (const id of ["questions-box", "more-box", "cover-box", "satellites-box", "notes-box"]) $(id).hidden = true;
  $("download").disabled = true;
  clearHeat();
}

const URGENCY = { emergency: "Emergency", same_day: "Same day", soon: "Soon" };

function showReport(report) {
  const names = new Map(report.candidates.map((c) => [c.muscle, c.name]));
  const nameOf = (id) => names.get(id) || id.replaceAll("_", " ");

  const flags = $("flags");
  flags.replaceChildren();
  if (report.red_flags.length) {
    const list = el("ul");
    for (const flag of report.red_flags) {
      list.append(el("li", {}, el("span", { class: "urgency", text: `${URGENCY[flag.urgency] || flag.urgency}: ${flag.name}. ` }), flag.note));
    }
    flags.append(el("h3", { text: "Rule out first" }), list);
    if (report.red_flags_held_back) flags.append(el("p", { text: `${report.red_flags_held_back} more held back.` }));
  }

  const list = $("candidates");
  const more = $("more-candidates");
  list.replaceChildren();
  more.replaceChildren();
  const top = report.candidates.length ? report.candidates[0].probability : 1;
  for (const c of report.candidates) {
    const who = c.side ? `${c.name} (${c.side})` : c.name;
    const percent = `${(100 * c.probability).toFixed(1)}%`;
    const head = el("div", { class: "cand-head" },
      el("span", { class: "cand-rank", text: `${c.rank}.` }),
      el("button", { type: "button", class: "cand-name", "aria-label": `${who}: open the muscle page`, onclick: () => openMuscle(c.muscle, c.side) }, who),
      el("span", { class: "prob", text: percent }));
    const bar = el("span", { class: "bar", "aria-hidden": "true" }, el("span", { style: `width:${Math.max(2, (100 * c.probability) / top)}%` }));
    const table = el("table", { class: "evidence" });
    for (const e of c.evidence) {
      const sign = e.contribution > 0 ? "+" : "";
      table.append(el("tr", {}, el("td", { text: e.finding }), el("td", { class: "num", text: `${sign}${e.contribution.toFixed(2)}` })));
    }
    const details = el("details", { class: "evidence-box" }, el("summary", { text: `Evidence (${c.evidence.length}), score ${c.score.toFixed(2)}` }), table);
    // the first five, then the questions, then the rest: what to ask next stays in sight
    (list.children.length < SHOWN ? list : more).append(
      el("li", { "data-muscle": c.muscle }, head, bar, el("p", { class: "why", text: c.summary }), details));
  }
  $("more-box").hidden = !more.children.length;
  $("more-box").querySelector("summary").textContent = `${more.children.length} more candidates`;

  const questions = $("questions");
  questions.replaceChildren();
  for (const q of report.next_questions) {
    const id = [q.kind, q.subject, q.side || ""].join("|");
    if (state.skipped.includes(id)) continue;
    const answers = el("div", { class: "answers" });
    for (const [label, answer] of answerButtons(q)) {
      answers.append(el("button", { type: "button", onclick: () => answer() }, label));
    }
    const favours = [];
    if (q.if_yes.length) favours.push(`yes favours ${q.if_yes.slice(0, 3).map(nameOf).join(", ")}`);
    if (q.if_no.length) favours.push(`no favours ${q.if_no.slice(0, 3).map(nameOf).join(", ")}`);
    questions.append(el("li", { "data-kind": q.kind }, el("div", { text: q.ask }), el("div", { class: "favours", text: favours.join("; ") }), answers));
  }
  $("questions-box").hidden = !questions.children.length;

  const cover = report.cover;
  const coverNames = cover.muscles.map((m) => (m.side ? `${nameOf(m.muscle)} (${m.side})` : nameOf(m.muscle)));
  let coverText = coverNames.length ? coverNames.join(" + ") : "no set of muscles explains the places";
  if (cover.unexplained.length) coverText += `; unexplained: ${cover.unexplained.map((k) => placeName(k.replace("/", "|"))).join(", ")}`;
  $("cover").textContent = coverText;
  $("cover-box").hidden = !report.query.sites.length;

  $("satellites").textContent = report.satellites.examine_first.map(nameOf).join(", ");
  $("satellites-box").hidden = !report.satellites.examine_first.length;

  const notes = $("notes");
  notes.replaceChildren(...report.notes.map((n) => el("li", { text: n })));
  $("notes-box").hidden = !report.notes.length;
  $("download").disabled = false;
}

function answerButtons(q) {
  const skip = () => { state.skipped.push([q.kind, q.subject, q.side || ""].join("|")); changed(); };
  const add = (list, value) => { if (!list.includes(value)) list.push(value); changed(); };
  if (q.kind === "region") {
    const region = regions.get(q.subject);
    const side = region && region.laterality === "midline" ? "mid" : (q.side || "");
    return [
      ["Yes, it hurts there", () => { state.marks.set(keyOf(q.subject, side), { state: "pain", sensations: [] }); changed(); }],
      ["No, not there", () => { state.marks.set(keyOf(q.subject, side), { state: "no", sensations: [] }); changed(); }],
    ];
  }
  if (q.kind === "sensation") return [["Yes", () => add(state.feel, q.subject)], ["No", skip]];
  if (q.kind === "movement") return [["Yes, restricted or painful", () => add(state.moves, q.subject)], ["No", skip]];
  // press: the spot is the trigger point's place, read from the muscle's record
  const pressed = async (list) => {
    const [muscle, point] = q.subject.split(".");
    try {
      const record = await api(`/api/muscles/${encodeURIComponent(muscle)}`);
      const tp = record.trigger_points.find((t) => t.id === point);
      if (tp) add(list, keyOf(tp.location.region, q.side || ""));
    } catch (err) {
      $("error").textContent = `Cannot record the answer: ${err.message}`;
    }
  };
  return [
    ["Tender: reproduces the pain", () => pressed(state.tender)],
    ["Not tender", () => pressed(state.notTender)],
  ];
}

// ---------------------------------------------------------------------------------------------- the reading

let readTimer = null;
function scheduleRead() {
  clearTimeout(readTimer);
  readTimer = setTimeout(showReading, 250);
}

async function showReading() {
  const mine = ++readGeneration;
  const box = $("reading");
  if (!state.text.trim()) {
    box.replaceChildren();
    markReading(null);
    return;
  }
  try {
    const body = { text: state.text };
    if (state.side) body.side = state.side;
    const reading = await api("/api/read", body);
    if (mine !== readGeneration) return;
    box.replaceChildren(highlighted(reading), readingList(reading));
    markReading(reading);
  } catch (err) {
    if (mine !== readGeneration) return;
    box.replaceChildren(el("p", { text: err.message }));
    markReading(null);
  }
}

const KINDS = ["places", "absent", "sensations", "conditions", "ruled_out", "denied", "movements", "aggravators", "timing"];
const KIND_WORDS = {
  place: "hurts", absent: "does not hurt", sensation: "sensation", condition: "condition",
  ruled_out: "ruled out", denied: "denied", movement: "movement", aggravator: "worse with", timing: "timing", intensity: "intensity",
};

function findings(reading) {
  const all = [];
  for (const kind of KINDS) for (const f of reading[kind] || []) all.push(f);
  if (reading.intensity) all.push(reading.intensity);
  return all;
}

function describeFinding(f) {
  const what = f.kind === "place" || f.kind === "absent" ? regionName(f.subject) : String(f.subject).replaceAll("_", " ");
  const side = f.side ? ` (${f.side})` : "";
  return `${KIND_WORDS[f.kind] || f.kind}: ${what}${side}`;
}

function highlighted(reading) {
  const text = reading.text;
  const spans = [];
  for (const f of findings(reading)) for (const [start, end] of f.spans) spans.push({ start, end, f });
  for (const u of reading.unused) spans.push({ start: u.span[0], end: u.span[1], unused: true });
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const box = el("div", { class: "text", "aria-label": "The words, with what was read from them" });
  let at = 0;
  for (const span of spans) {
    if (span.start < at) continue; // overlapping spans: the first wins
    box.append(text.slice(at, span.start));
    const words = text.slice(span.start, span.end);
    if (span.unused) box.append(el("span", { class: "unused", title: "not used" }, words));
    else box.append(el("mark", { class: `k-${span.f.kind}`, title: describeFinding(span.f) }, words));
    at = span.end;
  }
  box.append(text.slice(at));
  return box;
}

function readingList(reading) {
  const list = el("ul", { "aria-label": "How the words were read" });
  for (const f of findings(reading)) list.append(el("li", { text: `${describeFinding(f)} ← '${f.words}'` }));
  if (reading.unused.length) list.append(el("li", { class: "notes", text: `not used: ${reading.unused.map((u) => `'${u.words}'`).join(", ")}` }));
  for (const note of reading.notes) list.append(el("li", { class: "notes", text: `note: ${note}` }));
  const sideless = reading.places.filter((p) => !p.side && regions.get(p.subject) && regions.get(p.subject).laterality !== "midline");
  if (sideless.length && !state.side) {
    const words = sideless.map((p) => `'${p.words}'`).join(", ");
    list.append(el("li", { class: "notes", text: `no side said for ${words}: outlined on both sides; choose the side of the whole report above to place it` }));
  }
  return list;
}

// ---------------------------------------------------------------------------------------------- the muscle page

async function openMuscle(id, side) {
  const dialog = $("muscle");
  const body = $("muscle-body");
  body.replaceChildren(el("p", { text: "Loading…" }));
  $("muscle-name").textContent = regionName(id);
  if (!dialog.open) dialog.showModal();
  try {
    const chartSide = side === "left" ? "left" : "right";
    const [record, svg] = await Promise.all([
      api(`/api/muscles/${encodeURIComponent(id)}`),
      api(`/api/charts/muscles/${encodeURIComponent(id)}?side=${chartSide}`),
    ]);
    $("muscle-name").textContent = side ? `${record.name} (${side})` : record.name;
    const chart = el("div", { class: "chart" });
    chart.append(new DOMParser().parseFromString(svg, "image/svg+xml").documentElement);
    const names = (ids) => ids.map(regionName).join(", ") || "none";
    const points = el("ol");
    for (const tp of record.trigger_points) {
      const sens = tp.sensations.length ? `; sensations: ${tp.sensations.join(", ")}` : "";
      points.append(el("li", {},
        el("strong", { text: tp.name || tp.id }), el("br"),
        `${regionName(tp.location.region)}: ${tp.location.description || ""}`, el("br"),
        `essential zone: ${names(tp.essential)}; spillover: ${names(tp.spillover)}${sens}`));
    }
    const sources = el("ol");
    for (const s of record.sources) {
      const item = el("li", {}, s.citation + (s.locator ? ` (${s.locator})` : ""));
      if (s.url) item.append(" ", el("a", { href: s.url, rel: "noopener noreferrer", target: "_blank" }, "page"));
      sources.append(item);
    }
    const facts = el("ul");
    if (record.movements && record.movements.length) facts.append(el("li", { text: `restricts: ${record.movements.join(", ").replaceAll("_", " ")}` }));
    if (record.conditions && record.conditions.length) facts.append(el("li", { text: `can mimic: ${record.conditions.join(", ").replaceAll("_", " ")}` }));
    if (record.associated && record.associated.length) facts.append(el("li", { text: `works with: ${record.associated.join(", ").replaceAll("_", " ")}` }));
    body.replaceChildren(chart, el("div", { class: "cols" },
      el("section", {}, el("h3", { text: "Trigger points and zones" }), points, facts),
      el("section", {}, el("h3", { text: "Sources" }), sources)));
  } catch (err) {
    body.replaceChildren(el("p", { text: `Cannot show this muscle: ${err.message}` }));
  }
}

// ---------------------------------------------------------------------------------------------- wiring

function start() {
  fromQuery(location.search);
  $("complaint").value = state.text;
  for (const radio of document.querySelectorAll('#side input')) radio.checked = radio.value === state.side;

  for (const shape of mapShapes()) {
    shape.addEventListener("click", () => cycle(shape));
    shape.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); cycle(shape); }
    });
  }
  for (const [name, close] of Object.entries(config.zooms)) {
    $("zoom").append(el("button", { type: "button", "data-zoom": name, "aria-pressed": "false" }, close.label.toLowerCase()));
  }
  for (const button of document.querySelectorAll("#zoom button")) button.addEventListener("click", () => zoom(button.dataset.zoom));
  for (const radio of document.querySelectorAll('#side input')) {
    radio.addEventListener("change", () => { state.side = radio.value; changed(); scheduleRead(); });
  }
  $("complaint").addEventListener("input", () => { state.text = $("complaint").value; changed(); scheduleRead(); });
  $("download").addEventListener("click", () => {
    if (!lastReport) return;
    const blob = new Blob([JSON.stringify(lastReport, null, 2)], { type: "application/json" });
    const link = el("a", { href: URL.createObjectURL(blob), download: "tpmap-report.json" });
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  });
  $("copy-link").addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(location.href);
      $("status").textContent = "Link copied: it opens this report as it is now.";
    } catch {
      $("status").textContent = `Copy this link: ${location.href}`;
    }
  });
  $("clear").addEventListener("click", () => {
    fromQuery("");
    $("complaint").value = "";
    for (const radio of document.querySelectorAll('#side input')) radio.checked = radio.value === "";
    changed();
    scheduleRead();
  });
  $("muscle-close").addEventListener("click", () => $("muscle").close());

  api("/api/regions").then((data) => {
    regions = new Map(data.regions.map((r) => [r.id, r]));
    drawMarks();
    drawPlaces();
    scheduleRead();
    schedule();
  }).catch((err) => { $("error").textContent = `Cannot load the body regions: ${err.message}`; });
}

start();
