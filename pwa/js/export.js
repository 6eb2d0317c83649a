/* Her records, decrypted on this device, as files she can keep (docs/export.md):
   a JSON export of every live record of every type, and a readable HTML document made
   from it. Nothing here touches the network: both work offline. */
import { openRecord } from "./records.js";
import * as store from "./store.js";
import { unlockedKey } from "./vault.js";
import * as keystore from "./keystore.js";

export const EXPORT_FORMAT = "tend-export";
export const EXPORT_VERSION = 1;

/** docs/export.md's order: type, then updated_at, then id (the same in Python). */
export function compareRecords(a, b) {
  return cmp(a.type, b.type) || cmp(a.updated_at, b.updated_at) || cmp(a.id, b.id);
}

function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Every live record here, opened with `dataKey`, as export entries.
 * @param {CryptoKey} dataKey
 * @param {object[]} records stored records {id, type, version, deleted, envelope, updatedAt}
 */
export async function openForExport(dataKey, records) {
  const live = records.filter((r) => !r.deleted && r.envelope);
  const entries = await Promise.all(live.map(async (record) => {
    const entry = {
      id: record.id, type: record.type, version: record.version, updated_at: record.updatedAt,
    };
    try {
      entry.content = await openRecord(dataKey, record, record.envelope);
    } catch {
      entry.content = null;
      entry.unreadable = true;
    }
    return entry;
  }));
  return entries.sort(compareRecords);
}

/** The JSON export of everything on this device (needs Tend unlocked). */
export async function buildExport(now = new Date()) {
  const dataKey = await unlockedKey();
  const { userId } = await keystore.loadUnlocked();
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exported_at: now.toISOString(),
    user_id: userId,
    records: await openForExport(dataKey, await store.allRecords()),
  };
}

/** How many of each kind, in words ("12 journal entries, 1 self-care plan"). */
export function countWords(records) {
  const counts = new Map([...Object.values(KINDS), OTHER].map((kind) => [kind, 0]));
  for (const record of records) counts.set(kindOf(record), counts.get(kindOf(record)) + 1);
  return [...counts].filter(([, n]) => n > 0)
    .map(([kind, n]) => `${n} ${n === 1 ? kind[0] : kind[1]}`).join(", ");
}

const KINDS = {
  journal: ["journal entry", "journal entries"],
  checkin: ["check-in", "check-ins"],
  dismissal: ["put-away suggestion", "put-away suggestions"],
  plan: ["self-care plan", "self-care plans"],
  reflection: ["monthly reflection", "monthly reflections"],
  agenda: ["supervision agenda", "supervision agendas"],
  supervision: ["set of supervision notes", "sets of supervision notes"],
};
const OTHER = ["other item", "other items"];

function kindOf(record) {
  if (record.type === "checkin" && record.content?.kind === "dismissal") return KINDS.dismissal;
  return KINDS[record.type] ?? OTHER;
}

// ── the readable export ──────────────────────────────────────────────────────────────

const PLAN_SECTIONS = [
  ["warningSigns", "Signs I'm running low"],
  ["helps", "What helps me"],
  ["avoid", "What I try to avoid"],
  ["people", "People I can talk to"],
  ["afterHardShift", "After a hard shift"],
  ["reasons", "My reasons"],
];
const CONTEXT_WORDS = {
  "on-shift": "On shift",
  "after-shift": "Just finished a shift",
  "day-off": "Day off",
  "sleep-in": "Sleep-in",
  "night-shift": "Night shift",
};
const KNOWN = new Set(["plan", "journal", "checkin", "reflection", "agenda", "supervision"]);

const STYLE = `
body { font: 16px/1.5 system-ui, sans-serif; color: #1f2a2e; background: #fff; max-width: 46rem;
  margin: 0 auto; padding: 1.5rem; }
h1, h2, h3 { line-height: 1.25; color: #1d4a48; }
h2 { border-bottom: 2px solid #cfe3df; padding-bottom: .25rem; margin-top: 2.5rem; }
article { border-top: 1px solid #dde6e4; padding: .5rem 0 1rem; break-inside: avoid; }
.meta { color: #4a5a5e; font-size: .9rem; }
.body { white-space: pre-wrap; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { border: 1px solid #cdd8d6; padding: .3rem .4rem; text-align: left; vertical-align: top; }
th { background: #eef5f3; }
dt { font-weight: 600; } dd { margin: 0 0 .5rem 1rem; white-space: pre-wrap; }
@media print { body { max-width: none; padding: 0; } h2 { break-after: avoid; } }
`;

function dateWords(iso, withTime = true) {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return new Intl.DateTimeFormat("en-GB", {
    day: "numeric", month: "long", year: "numeric",
    ...(withTime ? { hour: "2-digit", minute: "2-digit" } : {}),
  }).format(date);
}

function dayWords(key) {
  return /^\d{4}-\d{2}-\d{2}$/.test(key)
    ? new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" })
      .format(new Date(`${key}T00:00:00Z`))
    : String(key);
}

function list(value) {
  return Array.isArray(value) ? value.map((v) => (typeof v === "string" ? v : JSON.stringify(v))) : [];
}

function scale(value) {
  return Number.isInteger(value) && value >= 1 && value <= 5 ? `${value} of 5` : "—";
}

/** Monday of the week a "YYYY-MM-DD" day falls in. */
function weekOf(key) {
  const date = new Date(`${key}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return date.toISOString().slice(0, 10);
}

function checkinDay(content) {
  if (/^\d{4}-\d{2}-\d{2}$/.test(String(content.day ?? ""))) return content.day;
  const at = new Date(content.at);
  return Number.isNaN(at.getTime()) ? null : at.toISOString().slice(0, 10);
}

/** One row per week with check-ins: how many, and the average of each scale. */
export function weeklyTrends(checkins) {
  const weeks = new Map();
  for (const content of checkins) {
    const day = checkinDay(content);
    if (!day) continue;
    const week = weekOf(day);
    if (!weeks.has(week)) weeks.set(week, { week, count: 0, stress: [], energy: [], sleep: [] });
    const row = weeks.get(week);
    row.count += 1;
    for (const measure of ["stress", "energy", "sleep"]) {
      if (Number.isInteger(content[measure]) && content[measure] >= 1 && content[measure] <= 5) {
        row[measure].push(content[measure]);
      }
    }
  }
  const average = (values) => (values.length
    ? (values.reduce((a, b) => a + b, 0) / values.length).toFixed(1) : "—");
  return [...weeks.values()].sort((a, b) => cmp(a.week, b.week)).map((row) => ({
    week: row.week, count: row.count,
    stress: average(row.stress), energy: average(row.energy), sleep: average(row.sleep),
  }));
}

/**
 * The readable export: a whole HTML document, built as DOM (so every word she wrote is
 * text, never markup) in a document of its own, with no scripts and no links out.
 * @param {object} data the JSON export
 * @returns {string}
 */
export function renderReadable(data) {
  const doc = document.implementation.createHTMLDocument("Tend — everything you kept");
  const el = (tag, props, ...children) => {
    const node = doc.createElement(tag);
    for (const [name, value] of Object.entries(props ?? {})) node.setAttribute(name, value);
    node.append(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false)
      .map((c) => (typeof c === "string" || typeof c === "number" ? String(c) : c)));
    return node;
  };
  doc.documentElement.setAttribute("lang", "en-GB");
  doc.head.prepend(el("meta", { charset: "utf-8" }));
  doc.head.append(
    // Nothing in the file may run or fetch anything, whatever she wrote in it.
    el("meta", { "http-equiv": "Content-Security-Policy", content: "default-src 'none'; style-src 'unsafe-inline'" }),
    el("meta", { name: "viewport", content: "width=device-width, initial-scale=1" }),
    el("style", {}, STYLE),
  );
  const readable = data.records.filter((r) => !r.unreadable && r.content && typeof r.content === "object");
  const ofType = (type) => readable.filter((r) => r.type === type);
  const body = [
    el("h1", {}, "Everything you kept in Tend"),
    el("p", { class: "meta" }, `Made on ${dateWords(data.exported_at)}. This file is not encrypted: `
      + "anyone who has it can read it, so keep it somewhere only you can open."),
  ];
  const unreadable = data.records.length - readable.length;
  if (unreadable) {
    body.push(el("p", {}, `${unreadable} ${unreadable === 1 ? "item" : "items"} could not be opened with your key and ${unreadable === 1 ? "is" : "are"} not shown.`));
  }

  for (const plan of ofType("plan")) {
    body.push(el("h2", {}, "Your self-care plan"));
    for (const [key, title] of PLAN_SECTIONS) {
      const value = plan.content[key];
      if (key === "people") {
        const people = Array.isArray(value) ? value : [];
        if (!people.length) continue;
        body.push(el("h3", {}, title), el("ul", {}, people.map((p) => el("li", {},
          String(p?.name ?? ""), p?.phone ? ` — ${p.phone}` : "", p?.note ? ` (${p.note})` : ""))));
      } else if (key === "reasons") {
        if (String(value ?? "").trim()) body.push(el("h3", {}, title), el("p", { class: "body" }, String(value)));
      } else if (list(value).length) {
        body.push(el("h3", {}, title), el("ul", {}, list(value).map((item) => el("li", {}, item))));
      }
    }
  }

  const entries = ofType("journal").map((r) => r.content)
    .sort((a, b) => cmp(String(a.createdAt ?? ""), String(b.createdAt ?? "")));
  if (entries.length) {
    body.push(el("h2", {}, "Journal"));
    for (const entry of entries) {
      const extras = [
        list(entry.tags).length ? `Tags: ${list(entry.tags).join(", ")}` : null,
        list(entry.feelings).length ? `Feeling: ${list(entry.feelings).join(", ")}` : null,
      ].filter(Boolean);
      body.push(el("article", {},
        el("h3", {}, String(entry.title || "Untitled")),
        el("p", { class: "meta" }, dateWords(entry.createdAt), extras.length ? ` · ${extras.join(" · ")}` : ""),
        entry.prompt ? el("p", { class: "meta" }, `Prompt: ${entry.prompt}`) : null,
        el("p", { class: "body" }, String(entry.body ?? ""))));
    }
  }

  const all = ofType("checkin").map((r) => r.content);
  const checkins = all.filter((c) => c.kind !== "dismissal")
    .sort((a, b) => cmp(String(a.at ?? ""), String(b.at ?? "")));
  if (checkins.length) {
    body.push(el("h2", {}, "Check-ins"));
    const headings = ["When", "Stress", "Energy", "Sleep", "Feelings", "What helped", "Work", "Note"];
    body.push(el("table", {},
      el("caption", {}, `${checkins.length} check-ins, oldest first`),
      el("thead", {}, el("tr", {}, headings.map((t) => el("th", { scope: "col" }, t)))),
      el("tbody", {}, checkins.map((c) => el("tr", {},
        el("th", { scope: "row" }, dateWords(c.at) || dayWords(c.day)),
        el("td", {}, scale(c.stress)), el("td", {}, scale(c.energy)), el("td", {}, scale(c.sleep)),
        el("td", {}, list(c.feelings).join(", ")), el("td", {}, list(c.helped).join(", ")),
        el("td", {}, CONTEXT_WORDS[c.context] ?? "",
          c.difficult ? (c.context ? "; something difficult happened" : "Something difficult happened") : ""),
        el("td", { class: "body" }, String(c.note ?? "")))))));
    body.push(el("h2", {}, "Your weeks"));
    body.push(el("table", {},
      el("caption", {}, "Average of each check-in scale, week by week (Monday to Sunday)"),
      el("thead", {}, el("tr", {}, ["Week of", "Check-ins", "Stress", "Energy", "Sleep"]
        .map((t) => el("th", { scope: "col" }, t)))),
      el("tbody", {}, weeklyTrends(checkins).map((w) => el("tr", {},
        el("th", { scope: "row" }, dayWords(w.week)), el("td", {}, String(w.count)),
        el("td", {}, w.stress), el("td", {}, w.energy), el("td", {}, w.sleep))))));
  }
  const dismissed = all.filter((c) => c.kind === "dismissal");
  if (dismissed.length) {
    body.push(el("h2", {}, "Suggestions you put away"),
      el("ul", {}, dismissed.map((d) => el("li", {}, `${String(d.insight ?? "")}, ${dayWords(d.day)}`))));
  }

  body.push(...generic(el, "Monthly reflections", ofType("reflection")));
  for (const agenda of ofType("agenda")) {
    body.push(el("h2", {}, "Your supervision agenda"),
      list(agenda.content.items).length ? el("ul", {}, list(agenda.content.items).map((i) => el("li", {}, i))) : null,
      String(agenda.content.reflection ?? "").trim()
        ? el("p", { class: "body" }, String(agenda.content.reflection)) : null);
  }
  body.push(...generic(el, "Supervision notes", ofType("supervision")));
  const others = readable.filter((r) => !KNOWN.has(r.type));
  if (others.length) {
    body.push(el("h2", {}, "Other things you kept"));
    for (const record of others) {
      body.push(el("article", {}, el("h3", {}, record.type), el("p", { class: "meta" }, dateWords(record.updated_at)),
        fields(el, record.content)));
    }
  }
  doc.body.append(...body.filter(Boolean));
  return `<!doctype html>\n${doc.documentElement.outerHTML}\n`;
}

function generic(el, title, records) {
  if (!records.length) return [];
  return [el("h2", {}, title), ...records.map((record) => el("article", {},
    el("p", { class: "meta" }, dateWords(record.updated_at)), fields(el, record.content)))];
}

/** Any value, field by field, readably. */
function fields(el, value) {
  if (Array.isArray(value)) return el("ul", {}, value.map((v) => el("li", {}, fields(el, v))));
  if (value && typeof value === "object") {
    return el("dl", {}, Object.entries(value).flatMap(([key, v]) => [el("dt", {}, key), el("dd", {}, fields(el, v))]));
  }
  return value === null || value === undefined ? "—" : String(value);
}

// ── saving a file ────────────────────────────────────────────────────────────────────

/** Offer `text` as a download called `name` (no network: a Blob on this device). */
export function saveFile(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** "2026-11-30" for file names, in her own calendar. */
export function fileDay(date = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
