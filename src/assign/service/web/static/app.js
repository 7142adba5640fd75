// The planners' page: every action is a call of the service's API with the planner's token.
// Text from the data is always set as text (textContent), never as HTML.
"use strict";

const $ = (selector, root = document) => root.querySelector(selector);
const MONTHS = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
  "сентябрь", "октябрь", "ноябрь", "декабрь"];
const STATUS_RU = { queued: "в очереди", running: "выполняется", cancelling: "отменяется",
  done: "выполнено", failed: "ошибка", cancelled: "отменено" };
const ROLE_RU = { viewer: "наблюдатель", planner: "планировщик", admin: "администратор" };
const SEVERITY_RU = { error: "ошибка", warning: "предупреждение" };
const SOLVER_RU = { optimal: "оптимально (доказано)", feasible: "допустимо, оптимум не доказан",
  infeasible: "недопустимо", time_limit: "лимит времени без плана", unknown: "не решено",
  model_invalid: "ошибка модели" };
const DOCS = [["order.docx", "Приказ (DOCX)", "download-order"],
  ["assignment.xlsx", "Закрепление (XLSX)", "download-assignment"],
  ["roadmaps.xlsx", "Дорожные карты (XLSX)", "download-roadmaps"],
  ["iom.zip", "Карты ИОМ (ZIP)", "download-iom"],
  ["plan.xlsx", "Книга плана (XLSX)", "download-plan"]];

const state = {
  token: sessionStorage.getItem("assign-token") || "",
  me: null, regions: [], region: null, layers: null, jobs: [], job: null,
  map: null, mapLayers: null, planMap: null, findings: [], sort: { key: null, up: true },
  polling: null, tiles: null,
};

// ---- the API -----------------------------------------------------------------------------
async function api(path, options = {}) {
  const headers = { Authorization: `Bearer ${state.token}` };
  let body = options.body;
  if (options.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.json);
  }
  let response;
  try {
    response = await fetch(path, { method: options.method || "GET", headers, body });
  } catch (error) {
    throw new Error("Сервис недоступен: проверьте соединение");
  }
  if (options.raw && response.ok) return response;
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const error = new Error((data && data.message) || `Ошибка ${response.status}`);
    error.status = response.status;
    error.data = data;
    if (response.status === 401 && path !== "/me") signOut(error.message);
    throw error;
  }
  return data;
}

function say(text, isError = false) {
  const status = $("#status");
  status.textContent = text;
  status.classList.toggle("error", isError);
}

function element(tag, text, attrs = {}) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  return node;
}

function row(cells) {
  const tr = document.createElement("tr");
  for (const cell of cells) {
    const td = document.createElement("td");
    if (cell instanceof Node) td.append(cell); else td.textContent = cell ?? "";
    tr.append(td);
  }
  return tr;
}

function fill(select, options, keep = false) {
  const previous = select.value;
  if (!keep) select.replaceChildren();
  for (const [value, label] of options) select.append(element("option", label, { value }));
  if ([...select.options].some((o) => o.value === previous)) select.value = previous;
}

const number = (value, digits = 0) => (value === null || value === undefined || Number.isNaN(value))
  ? "—" : Number(value).toLocaleString("ru-RU", { maximumFractionDigits: digits });
const when = (iso) => iso ? new Date(iso).toLocaleString("ru-RU") : "";

// ---- signing in --------------------------------------------------------------------------
async function signIn(token) {
  state.token = token.trim();
  try {
    state.me = await api("/me");
  } catch (error) {
    $("#signin-error").textContent = error.status === 401
      ? "Токен не найден, отозван или истёк" : error.message;
    state.token = "";
    return;
  }
  sessionStorage.setItem("assign-token", state.token);
  $("#signin").hidden = true;
  $("#app").hidden = false;
  document.body.dataset.role = state.me.role;
  $("#who").textContent = `${state.me.organization} · ${ROLE_RU[state.me.role] || state.me.role}`;
  try {
    state.tiles = (await (await fetch("/web/config")).json()).tiles;
  } catch (error) { state.tiles = null; }
  const link = new URLSearchParams(location.hash.slice(1));  // #region=1&tab=map&job=3
  await loadRegions(link.get("region") ? Number(link.get("region")) : undefined);
  if (link.get("job")) await openResult(Number(link.get("job")));
  if (link.get("tab")) showTab(link.get("tab"));
  document.querySelector("[role=tab][aria-selected=true]").focus();  // keyboard users go on
}

function signOut(message = "") {
  sessionStorage.removeItem("assign-token");
  state.token = "";
  clearInterval(state.polling);
  $("#app").hidden = true;
  $("#signin").hidden = false;
  $("#signin-error").textContent = message;
  $("#token").value = "";
  $("#token").focus();
}

const canPlan = () => state.me && state.me.role !== "viewer";

// ---- tabs --------------------------------------------------------------------------------
function showTab(name) {
  for (const tab of document.querySelectorAll("[role=tab]")) {
    tab.setAttribute("aria-selected", String(tab.dataset.tab === name));
  }
  for (const section of document.querySelectorAll(".tab")) {
    section.hidden = section.id !== `tab-${name}`;
  }
  if (name === "map") drawMap();
  if (name === "plans") loadPlans();
  if (name === "whatif") loadJobs();
}

// ---- regions -----------------------------------------------------------------------------
async function loadRegions(open) {
  state.regions = await api("/regions");
  fill($("#region-select"), state.regions.map((r) => [r.id, `${r.name} (№${r.id})`]));
  $("#region-select").hidden = !state.regions.length;
  const chosen = open || (state.region && state.region.id) || (state.regions.at(-1) || {}).id;
  if (chosen) {
    $("#region-select").value = String(chosen);
    await openRegion(Number(chosen));
  } else {
    say("Регионов пока нет: загрузите книгу или архив региона");
  }
}

async function openRegion(id) {
  state.region = state.regions.find((r) => r.id === id) || await api(`/regions/${id}`);
  state.layers = null;
  state.planMap = null;
  state.job = null;
  state.mapFitted = false;
  if (state.mapLayers) state.mapLayers.remove();
  clearResult();
  showSummary(state.region);
  showFindings(state.region.summary.findings || [], state.region.summary.findings_total || 0);
  try {
    state.layers = await api(`/regions/${id}/map`);
  } catch (error) {
    say(error.message, true);
  }
  fillScenarioForm();
  fill($("#map-methodist"), [["", "— все —"], ...(state.layers ? state.layers.methodists : [])
    .map((m) => [m.id, m.name])]);
  await loadJobs();
  drawMap();
}

function showSummary(region) {
  const box = $("#region-summary");
  const s = region.summary;
  box.replaceChildren(element("h2", `${region.name}`));
  const facts = element("p", `Педагогов: ${number(s.teachers)} · школ: ${number(s.schools)} · `
    + `муниципалитетов: ${number(s.municipalities)} · методистов: ${number(s.methodists)} · `
    + `кандидатов: ${number(s.candidates)}`);
  box.append(facts);
  if (s.subjects) {
    const table = element("table");
    table.append(element("caption", "Предметы: педагоги, методисты и сколько их нужно по норме"));
    const head = element("tr");
    for (const title of ["Предмет", "Педагогов", "Методистов", "Нужно по норме"]) {
      head.append(element("th", title, { scope: "col" }));
    }
    table.append(head);
    const byName = [...s.subjects].sort((a, b) => a.name.localeCompare(b.name, "ru"));
    for (const subject of byName) {
      const tr = row([subject.name, number(subject.teachers), number(subject.methodists),
        number(subject.need)]);
      if (subject.need !== null && subject.methodists < subject.need) tr.classList.add("short");
      table.append(tr);
    }
    box.append(table);
  }
}

function showFindings(findings, total, refused = "") {
  state.findings = findings;
  $("#findings-note").textContent = refused && !findings.length
    ? `Файл не принят: ${refused}`
    : findings.length
      ? `Замечаний: ${total}${total > findings.length ? ` (показаны первые ${findings.length}; `
        + "сгруппированные строки перечислены в сообщении)" : ""}`
      : "Замечаний нет: данные прочитаны полностью.";
  renderFindings();
}

function renderFindings() {
  const { key, up } = state.sort;
  const sorted = key === null ? [...state.findings] : [...state.findings].sort((a, b) => {
    const x = a[key] ?? "", y = b[key] ?? "";
    const order = typeof x === "number" && typeof y === "number" ? x - y
      : String(x).localeCompare(String(y), "ru");
    return up ? order : -order;
  });
  const body = $("#findings tbody");
  body.replaceChildren(...sorted.map((f) => {
    const tr = row([SEVERITY_RU[f.severity] || "ошибка", f.file, f.row, f.column, f.message, f.fix]);
    tr.classList.add(f.severity || "error");
    return tr;
  }));
  for (const th of document.querySelectorAll("#findings th")) {
    th.setAttribute("aria-sort", th.dataset.key === key ? (up ? "ascending" : "descending") : "none");
  }
}

async function upload(file) {
  if (!file) return;
  say(`Загрузка и проверка «${file.name}»…`);
  const form = new FormData();
  form.append("file", file);
  try {
    const region = await api("/regions", { method: "POST", body: form });
    say(`Регион «${region.name}» загружен`);
    await loadRegions(region.id);
    showTab("regions");
  } catch (error) {
    say(error.message, true);
    const data = error.data || {};
    showFindings((data.issues || []).map((i) => ({ severity: "error", ...i })),
      data.issues_total || (data.issues || []).length, error.message);
  }
}

// ---- the map -----------------------------------------------------------------------------
function drawMap() {
  // drawn only when seen: a hidden container has no size to fit the region into
  if (!state.layers || typeof L === "undefined" || $("#tab-map").hidden) return;
  const layers = state.layers;
  if (!state.map) {
    const options = { zoomSnap: 0.5, keyboard: true };
    if (layers.planar) options.crs = L.CRS.Simple;
    state.map = L.map("map", options);
    if (state.tiles) L.tileLayer(state.tiles, { maxZoom: 18 }).addTo(state.map);
    window.assignMap = state.map;  // for browser tests and the map benchmark
  }
  if (state.mapLayers) state.mapLayers.remove();
  const group = L.layerGroup().addTo(state.map);
  state.mapLayers = group;
  const month = $("#month").value || "1";
  const cut = new Set((layers.out_of_reach || {})[month] || []);
  const bounds = [];
  for (const muni of layers.municipalities) {
    const closed = cut.has(muni.id);
    const style = { weight: 1, color: closed ? "#444" : "#9aa3b5", fillColor: closed ? "#555" : "#dfe4ec",
      fillOpacity: closed ? 0.5 : 0.35, className: closed ? "municipality cut" : "municipality" };
    let shape = null;
    if (muni.outline && muni.outline.length >= 3) shape = L.polygon(muni.outline, style);
    else if (muni.point) shape = L.circle(muni.point, { ...style, radius: layers.planar ? 3 : 3000 });
    if (!shape) continue;
    shape.addTo(group).bindTooltip(`${escapeText(muni.name)}${closed ? " — нет проезда в этом месяце" : ""}`);
  }
  const served = (state.planMap && state.planMap.schools) || {};
  const colour = methodistColours();
  const selected = $("#map-methodist").value;
  const methodistAt = new Map(layers.methodists.map((m) => [m.id, m]));
  for (const school of layers.schools) {
    if (!school.point) continue;
    bounds.push(school.point);
    const who = served[school.id] || [];
    const main = who.length ? who[0][0] : null;
    const marker = L.circleMarker(school.point, {
      radius: 3 + Math.min(6, Math.sqrt(school.teachers) / 2), weight: 1, className: "school",
      color: main ? colour(main) : "#444", fillColor: main ? colour(main) : "#fff", fillOpacity: 0.85,
    }).addTo(group);
    const lines = who.map(([m, n]) => `${(methodistAt.get(m) || { name: m }).name}: ${n}`);
    marker.bindTooltip([school.name, `педагогов: ${school.teachers}`, ...lines].map(escapeText).join("<br>"));
    if (selected && who.some(([m]) => m === selected)) {
      const base = methodistAt.get(selected);
      if (base && base.point) {
        L.polyline([base.point, school.point],
          { color: colour(selected), weight: 1.5, opacity: 0.8, interactive: false })
          .addTo(group);
      }
    }
  }
  for (const methodist of layers.methodists) {
    if (!methodist.point) continue;
    const marker = L.marker(methodist.point, {
      icon: L.divIcon({ className: "base", html: "", iconSize: [12, 12] }),
      title: methodist.name, keyboard: false,
    }).addTo(group);
    marker.bindTooltip(`${escapeText(methodist.name)}<br>${escapeText(methodist.subjects.join(", "))}`);
    marker.on("click keypress", () => {
      $("#map-methodist").value = methodist.id;
      drawMap();
    });
  }
  if (!state.mapFitted && bounds.length) {
    state.map.fitBounds(bounds, { padding: [20, 20] });
    state.mapFitted = true;
  }
  // Leaflet makes every shape with a tooltip focusable: the map itself takes the keyboard
  // (arrows pan, +/− zoom) and methodists are chosen in the list beside it
  for (const shape of document.querySelectorAll("#map [tabindex]:not(.leaflet-container)")) {
    shape.setAttribute("tabindex", "-1");
  }
  state.map.invalidateSize();
  drawLoads();
  performance.mark(state.planMap ? "plan-map-drawn" : "map-drawn");
}

function escapeText(text) {
  const node = document.createElement("span");
  node.textContent = text;
  return node.innerHTML;
}

function methodistColours() {
  // one hue per methodist, spread by the golden angle so that neighbours differ
  const ids = (state.layers ? state.layers.methodists : []).map((m) => m.id);
  const index = new Map(ids.map((id, i) => [id, i]));
  return (id) => {
    const i = index.get(id) ?? 0;
    return `hsl(${Math.round((i * 137.508) % 360)}, ${60 + (i % 3) * 12}%, ${38 + (i % 4) * 7}%)`;
  };
}

function drawLoads() {
  const box = $("#loads");
  const methodists = (state.planMap && state.planMap.methodists) || [];
  if (!methodists.length) {
    box.replaceChildren(element("p", "Выберите решение, чтобы увидеть нагрузку.", { class: "muted" }));
    return;
  }
  const names = new Map(state.layers.methodists.map((m) => [m.id, m.name]));
  const colour = methodistColours();
  box.replaceChildren(...methodists.map((m) => {
    const item = element("div", null, { class: "load" });
    const label = element("button", `${names.get(m.methodist_id) || m.methodist_id}: ${number(m.load, 1)} `
      + `(${number(m.min_load)}–${number(m.max_load)})`, { type: "button", class: "link" });
    label.addEventListener("click", () => { $("#map-methodist").value = m.methodist_id; drawMap(); });
    const scale = Math.max(m.max_load, m.load, 1);
    const bar = element("div", null, { class: "bar", role: "img",
      "aria-label": `нагрузка ${m.load} из ${m.max_load}` });
    const fillBar = element("span", null, { class: "fill" });
    fillBar.style.width = `${(100 * m.load) / scale}%`;
    fillBar.style.background = colour(m.methodist_id);
    const low = element("span", null, { class: "limit" });
    low.style.left = `${(100 * m.min_load) / scale}%`;
    const high = element("span", null, { class: "limit" });
    high.style.left = `${(100 * m.max_load) / scale}%`;
    bar.append(fillBar, low, high);
    if (m.load > m.max_load || m.load < m.min_load) item.classList.add("out");
    item.append(label, bar);
    return item;
  }));
}

async function openPlanOnMap(jobId) {
  state.planMap = jobId ? await api(`/jobs/${jobId}/map`) : null;
  const methodists = state.layers ? state.layers.methodists : [];
  fill($("#map-methodist"), [["", "— все —"], ...methodists.map((m) => [m.id, m.name])]);
  drawMap();
}

// ---- scenarios and jobs -------------------------------------------------------------------
function fillScenarioForm() {
  const layers = state.layers || { methodists: [], municipalities: [] };
  fill($("#sc-remove"), layers.methodists.map((m) => [m.id, `${m.name} — ${m.subjects.join(", ")}`]));
  const munis = layers.municipalities.map((m) => [m.id, m.name]);
  fill($("#sc-add-muni"), munis);
  fill($("#sc-cand-muni"), munis);
  fill($("#sc-close-from"), [["", "—"], ...munis]);
  fill($("#sc-close-to"), [["", "—"], ...munis]);
  const subjects = (state.region.summary.subjects || []).map((s) => [s.subject, s.name])
    .sort((a, b) => a[1].localeCompare(b[1], "ru"));
  fill($("#sc-add-subject"), subjects);
  fill($("#sc-cand-subject"), subjects);
}

function scenarioSpec() {
  const base = { ...(state.region.summary.assignment || {}) };
  const preset = $("#sc-preset").value;
  if (preset) {
    base.preset = preset;
    delete base.min_load;
    delete base.max_load;
  }
  const ranking = $("#sc-ranking").value;
  if (ranking) {
    base.ranking = ranking.split(",");
    delete base.weights;
  }
  const changes = {};
  const removed = [...$("#sc-remove").selectedOptions].map((o) => o.value);
  if (removed.length) changes.remove_methodists = removed;
  const addId = $("#sc-add-id").value.trim();
  if (addId) {
    changes.add_methodists = [{
      methodist_id: addId, full_name: $("#sc-add-name").value.trim() || addId,
      subjects: [$("#sc-add-subject").value], municipality_id: $("#sc-add-muni").value,
    }];
  }
  const candidate = $("#sc-cand-id").value.trim();
  if (candidate) {
    changes.add_candidates = [{
      candidate_id: candidate, full_name: $("#sc-cand-name").value.trim() || candidate,
      subjects: [$("#sc-cand-subject").value], municipality_id: $("#sc-cand-muni").value,
    }];
  }
  const months = $("#sc-close-months").value.split(/[\s,;]+/).filter(Boolean).map(Number);
  if (months.length) {
    const closure = { months };
    if ($("#sc-close-from").value) closure.from_municipality = $("#sc-close-from").value;
    if ($("#sc-close-to").value) closure.to_municipality = $("#sc-close-to").value;
    if ($("#sc-close-mode").value) closure.mode = $("#sc-close-mode").value;
    changes.close_links = [closure];
  }
  const spec = { assignment: base, changes, keep_current: $("#sc-keep").checked,
    recruit: $("#sc-recruit").checked, plan_year: $("#sc-year").checked };
  if (spec.plan_year) spec.plan_seconds = Number($("#sc-year-seconds").value) || 20;
  if ($("#sc-from").value) spec.effective_from = $("#sc-from").value;
  return spec;
}

function scenarioProblem() {
  const months = $("#sc-close-months").value.split(/[\s,;]+/).filter(Boolean);
  if (months.some((m) => !/^\d+$/.test(m) || Number(m) < 1 || Number(m) > 12)) {
    return "Месяцы закрытия: числа от 1 до 12 через запятую, например 12,1,2";
  }
  const code = $("#sc-add-id").value.trim();
  if (code && (state.layers.methodists.some((m) => m.id === code))) {
    return `Код «${code}» уже занят методистом региона: выберите другой`;
  }
  const seconds = Number($("#sc-year-seconds").value);
  if ($("#sc-year").checked && !(seconds >= 1 && seconds <= 600)) {
    return "Время на план года: от 1 до 600 секунд";
  }
  if ($("#sc-from").value && !$("#sc-remove").selectedOptions.length && !code) {
    return "Дата действует для ухода или прихода методиста: выберите, кто уходит или приходит";
  }
  return "";
}

async function runScenario(event) {
  event.preventDefault();
  if (!state.region || !canPlan()) return;
  const problem = scenarioProblem();
  if (problem) {
    say(problem, true);
    return;
  }
  const name = $("#sc-name").value.trim() || "Сценарий";
  try {
    const scenario = await api("/scenarios", { method: "POST",
      json: { region_id: state.region.id, name, spec: scenarioSpec() } });
    const job = await api(`/scenarios/${scenario.id}/jobs`, { method: "POST" });
    say(`Задание №${job.id} «${name}» поставлено в очередь`);
    watch(job.id);
  } catch (error) {
    say(error.message, true);
    const issues = (error.data && error.data.issues) || [];
    $("#progress").replaceChildren(...issues.map((i) => element("p", i.message, { class: "error" })));
  }
}

function watch(jobId) {
  clearInterval(state.polling);
  $("#cancel").hidden = false;
  $("#cancel").dataset.job = jobId;
  const tick = async () => {
    let job;
    try {
      job = await api(`/jobs/${jobId}`);
    } catch (error) {
      say(error.message, true);
      return;
    }
    showProgress(job);
    if (["done", "failed", "cancelled"].includes(job.status)) {
      clearInterval(state.polling);
      $("#cancel").hidden = true;
      say(`Задание №${job.id}: ${STATUS_RU[job.status]}`, job.status !== "done");
      await loadJobs();
      if (job.status === "done") await openResult(job.id);
    }
  };
  state.polling = setInterval(tick, 500);
  tick();
}

function showProgress(job) {
  const p = job.progress || {};
  const box = $("#progress");
  box.dataset.status = job.status;
  const parts = [`Задание №${job.id}: ${STATUS_RU[job.status] || job.status}`];
  if (p.stage) parts.push(`этап: ${p.stage}`);
  if (p.total) parts.push(`${p.counted || "предметов решено"} ${p.done} из ${p.total}${p.current ? ` (${p.current})` : ""}`);
  if (p.objective !== undefined) {
    parts.push(`целевая функция ${number(p.objective, 2)}, граница ${number(p.bound, 2)}`);
  }
  const lines = [element("p", parts.join(" · "))];
  if (p.total) {
    const meter = element("progress", null, { max: String(p.total), value: String(p.done || 0) });
    lines.push(meter);
  }
  if (job.error) lines.push(element("p", job.error, { class: "error" }));
  box.replaceChildren(...lines);
}

async function cancelJob() {
  const id = $("#cancel").dataset.job;
  try {
    await api(`/jobs/${id}/cancel`, { method: "POST" });
    say(`Задание №${id} отменяется`);
  } catch (error) { say(error.message, true); }
}

async function loadJobs() {
  if (!state.region) return;
  state.jobs = await api(`/jobs?region_id=${state.region.id}&limit=50`);
  const scenarios = new Map((await api("/scenarios")).map((s) => [s.id, s.name]));
  for (const job of state.jobs) job.name = scenarios.get(job.scenario_id) || `задание ${job.id}`;
  $("#jobs tbody").replaceChildren(...state.jobs.map((job) => {
    const open = element("button", "Открыть", { type: "button", class: "link" });
    open.disabled = job.status !== "done";
    open.addEventListener("click", () => openResult(job.id));
    return row([job.id, job.name, STATUS_RU[job.status] || job.status, when(job.created_at), open]);
  }));
  const done = state.jobs.filter((j) => j.status === "done").map((j) => [j.id, `№${j.id} ${j.name}`]);
  fill($("#map-job"), [["", "— без решения —"], ...done]);
  fill($("#cmp-a"), done);
  fill($("#cmp-b"), done);
  if (done.length > 1 && $("#cmp-a").value === $("#cmp-b").value) $("#cmp-b").value = String(done[1][0]);
}

// ---- a result ----------------------------------------------------------------------------
function clearResult() {  // another region: its results are not this one's
  $("#result-empty").hidden = false;
  $("#result-title").textContent = "Решение";
  for (const box of ["#result-kpi", "#downloads", "#changes tbody", "#unplaced tbody"]) {
    $(box).replaceChildren();
  }
  $("#unplaced-note").textContent = "";
  $("#approve").hidden = true;
}

async function openResult(jobId) {
  state.job = jobId;
  const result = await api(`/jobs/${jobId}/result?limit=1`);
  $("#result-title").textContent = `Решение задания №${jobId}: ${result.scenario}`;
  $("#result-empty").hidden = true;
  $("#result-kpi").replaceChildren(kpiTable([[`№${jobId}`, result.kpi]]));
  const plans = await api(`/regions/${state.region.id}/plans`);
  const current = plans.length && plans[0].job_id === jobId;
  $("#approve").hidden = !canPlan() || !result.feasible;
  $("#approve").disabled = Boolean(current);
  $("#approve").textContent = current ? "Текущий план ✓"
    : result.approved ? "Сделать текущим снова" : "Утвердить план";
  showDownloads(jobId);
  const changes = await api(`/jobs/${jobId}/changes?limit=1000`);
  $("#changes tbody").replaceChildren(...changes.rows.map((c) => row([c.full_name, c.school,
    c.subject, formerly(c), c.to_methodist, c.reason])));
  const left = changes.unplaced || [];
  $("#unplaced-note").textContent = left.length
    ? `Без методиста остаются: ${number(changes.unplaced_total)}` : "Все педагоги закреплены.";
  $("#unplaced tbody").replaceChildren(...left.map((u) => row([u.full_name, u.school, u.subject,
    u.reason])));
  if (changes.total > changes.rows.length) {
    $("#changes tbody").append(row([`… и ещё ${changes.total - changes.rows.length}`]));
  }
  $("#map-job").value = String(jobId);
  await openPlanOnMap(jobId);
  showTab("result");
}

function formerly(change) {
  return change.from_methodist || (change.from_methodist_id
    ? `${change.from_methodist_id} (выбыл из актива)` : "");
}

function showDownloads(jobId) {
  const box = $("#downloads");
  box.replaceChildren(...DOCS.map(([name, label, testid]) => {
    const button = element("button", label, { type: "button", "data-testid": testid, class: "secondary" });
    button.addEventListener("click", () => download(jobId, name, button));
    return button;
  }));
}

async function download(jobId, name, button) {
  button.disabled = true;
  const title = DOCS.find(([file]) => file === name)[1];
  say(`Готовится «${title}»… (в первый раз документы собираются до минуты)`);
  try {
    const response = await api(`/jobs/${jobId}/documents/${name}`, { raw: true });
    const blob = await response.blob();
    const link = element("a", null, { href: URL.createObjectURL(blob), download: `${jobId}-${name}` });
    document.body.append(link);
    link.click();
    link.remove();
    say(`«${title}» скачан`);
  } catch (error) {
    say(error.message, true);
  } finally {
    button.disabled = false;
  }
}

const KPI_ROWS = [  // the row's label, and its value in a result's KPIs
  ["Статус", (k) => SOLVER_RU[k.status] || k.status],
  ["Закреплено педагогов", (k) => number(k.overall && k.overall.served)],
  ["Без методиста", (k) => number(k.overall && k.overall.unserved)],
  ["Перезакреплено", (k) => number(k.overall && k.overall.changed)],
  ["Среднее время в пути, ч", (k) => number(k.overall && k.overall.travel_hours_mean, 2)],
  ["Наибольшее время в пути, ч", (k) => number(k.overall && k.overall.travel_hours_max, 1)],
  ["Доля в пределах 2 ч", (k) => k.overall && k.overall.share_within_2h !== undefined
    ? `${number(100 * k.overall.share_within_2h, 1)} %` : "—"],
  ["Только дистанционно", (k) => number(k.overall && k.overall.remote_only)],
  ["Мероприятий в плане года", (k) => number(k.schedule && k.schedule.events_planned)]];

function kpiTable(columns) {
  const table = element("table", null, { class: "kpi" });
  const head = element("tr");
  head.append(element("th", "Показатель", { scope: "col" }));
  for (const [title] of columns) head.append(element("th", title, { scope: "col" }));
  const body = element("tbody");
  for (const [label, value] of KPI_ROWS) {
    body.append(row([label, ...columns.map(([, kpi]) => value(kpi))]));
  }
  table.append(element("thead"), body);
  table.tHead.append(head);
  return table;
}

async function approve() {
  if (!state.job) return;
  try {
    const done = await api(`/jobs/${state.job}/approve`, { method: "POST" });
    say(`План задания №${done.job_id} утверждён: сменили методиста или остались без него — `
      + `${done.changed}` + (done.newly_assigned
      ? `, закреплены впервые — ${done.newly_assigned}` : ""));
    $("#approve").textContent = "Текущий план ✓";
    $("#approve").disabled = true;
    await loadPlans();
  } catch (error) { say(error.message, true); }
}

async function loadPlans() {
  if (!state.region) return;
  const plans = await api(`/regions/${state.region.id}/plans`);
  $("#plans tbody").replaceChildren(...plans.map((p) => {
    let action = element("span", p.current ? "текущий" : "");
    if (!p.current && canPlan()) {
      action = element("button", "Восстановить", { type: "button", class: "link" });
      action.addEventListener("click", async () => {
        state.job = p.job_id;
        await approve();
        await openResult(p.job_id);
        showTab("plans");
      });
    }
    const open = element("button", `№${p.job_id}`, { type: "button", class: "link" });
    open.addEventListener("click", () => openResult(p.job_id));
    return row([open, p.scenario, when(p.approved_at), number(p.changed), action]);
  }));
}

// ---- comparing ---------------------------------------------------------------------------
async function compare() {
  const a = $("#cmp-a").value, b = $("#cmp-b").value;
  const out = $("#compare-out");
  if (!a || !b || a === b) {
    out.replaceChildren(element("p", "Выберите два разных решения", { class: "error" }));
    return;
  }
  try {
    const [ra, rb, diff] = await Promise.all([api(`/jobs/${a}/result?limit=1`),
      api(`/jobs/${b}/result?limit=1`), api(`/compare?jobs=${a}&jobs=${b}`)]);
    const parts = [kpiTable([[`А: №${a} ${ra.scenario}`, ra.kpi], [`Б: №${b} ${rb.scenario}`, rb.kpi]])];
    const subjects = new Set([...Object.keys(ra.kpi.by_subject || {}), ...Object.keys(rb.kpi.by_subject || {})]);
    const names = new Map((state.region.summary.subjects || []).map((s) => [s.subject, s.name]));
    const need = new Map((state.region.summary.subjects || []).map((s) => [s.subject, s.need]));
    const bySubject = element("table");
    bySubject.append(element("caption", "По предметам: педагоги с методистом, перезакреплённые, нужно методистов"));
    bySubject.append(row(["Предмет", "А: закреплено", "А: изменено", "Б: закреплено", "Б: изменено", "Нужно по норме"]));
    const byName = (x, y) => (names.get(x) || x).localeCompare(names.get(y) || y, "ru");
    for (const subject of [...subjects].sort(byName)) {
      const x = (ra.kpi.by_subject || {})[subject] || {}, y = (rb.kpi.by_subject || {})[subject] || {};
      bySubject.append(row([names.get(subject) || subject, number(x.served), number(x.changed),
        number(y.served), number(y.changed), number(need.get(subject))]));
    }
    parts.push(bySubject);
    parts.push(element("p", `Педагогов с разными методистами: ${number(diff.differing_teachers)}`));
    const lists = element("div", null, { class: "side-by-side" });
    for (const [label, id] of [["А", a], ["Б", b]]) {
      const changes = await api(`/jobs/${id}/changes?limit=300`);
      const table = element("table");
      table.append(element("caption", `${label}: изменения против закрепления, с которого начинался расчёт — ${number(changes.total)}`));
      const head = element("thead");
      head.append(row(["Педагог", "Предмет", "Был", "Стал"]));
      const body = element("tbody");
      body.append(...changes.rows.map((c) => row([c.full_name, c.subject, formerly(c),
        c.to_methodist || "без методиста"])));
      table.append(head, body);
      lists.append(table);
    }
    parts.push(lists);
    out.replaceChildren(...parts);
  } catch (error) { say(error.message, true); }
}

// ---- wiring ------------------------------------------------------------------------------
document.addEventListener("DOMContentLoaded", () => {
  $("#signin-form").addEventListener("submit", (event) => {
    event.preventDefault();
    signIn($("#token").value);
  });
  $("#signout").addEventListener("click", () => signOut());
  for (const tab of document.querySelectorAll("[role=tab]")) {
    tab.addEventListener("click", () => {
      say("");  // a message belongs to the screen it was said on
      showTab(tab.dataset.tab);
    });
  }
  $("#region-select").addEventListener("change", (e) => { state.mapFitted = false; openRegion(Number(e.target.value)); });
  $("#upload").addEventListener("change", async (e) => {
    await upload(e.target.files[0]);
    e.target.value = "";  // the same file, fixed, can be chosen again
  });
  const drop = $("#drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    upload(e.dataTransfer.files[0]);
  });
  for (const th of document.querySelectorAll("#findings th")) {
    th.addEventListener("click", () => {
      state.sort = { key: th.dataset.key, up: state.sort.key === th.dataset.key ? !state.sort.up : true };
      renderFindings();
    });
  }
  fill($("#month"), MONTHS.map((m, i) => [i + 1, m]));
  $("#month").value = String(new Date().getMonth() + 1);
  $("#month").addEventListener("change", drawMap);
  $("#map-methodist").addEventListener("change", drawMap);
  $("#map-job").addEventListener("change", (e) => openPlanOnMap(e.target.value ? Number(e.target.value) : null));
  $("#scenario-form").addEventListener("submit", runScenario);
  $("#cancel").addEventListener("click", cancelJob);
  $("#approve").addEventListener("click", approve);
  $("#compare").addEventListener("click", compare);
  if (state.token) signIn(state.token); else $("#token").focus();
});
