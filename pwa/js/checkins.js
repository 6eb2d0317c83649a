/* Check-ins, monthly reflections and put-away suggestions: sealed records like journal
   entries (vault.js), synced the same way, opened only in memory on this device.

   A check-in: {id, at, day, stress, energy, sleep, feelings, helped, context, difficult,
   note}; the scales are 1–5 or null, `day` her local calendar day when she checked in. */
import { newRecordId } from "./records.js";
import { dayKey, MEASURES, SCALE } from "./trends.js";
import { change, openAll, unlockedKey } from "./vault.js";

export const CONTEXTS = Object.freeze([
  { value: "on-shift", label: "On shift" },
  { value: "after-shift", label: "Just finished a shift" },
  { value: "day-off", label: "Day off" },
  { value: "sleep-in", label: "Sleep-in" },
  { value: "night-shift", label: "Night shift" },
]);

/** Things that can help, offered as chips; she can add her own. */
export const HELPED = Object.freeze([
  "rest", "time outside", "movement", "talking to someone", "peer support", "supervision",
  "a hobby", "good food", "music", "time with family or friends",
]);

const CHECKIN = "checkin";
const REFLECTION = "reflection";
const DISMISSAL = "dismissal";
const NOTE_LIMIT = 2000;

function list(value) {
  return Array.isArray(value) ? [...new Set(value.map(String).filter(Boolean))] : [];
}

function scale(value) {
  return SCALE.includes(value) ? value : null;
}

function checkinOf(record, content) {
  const checkin = {
    id: record.id,
    at: String(content.at ?? record.updatedAt),
    day: String(content.day ?? ""),
    feelings: list(content.feelings),
    helped: list(content.helped),
    context: CONTEXTS.some((c) => c.value === content.context) ? content.context : null,
    difficult: Boolean(content.difficult),
    note: String(content.note ?? ""),
  };
  for (const measure of MEASURES) checkin[measure] = scale(content[measure]);
  return checkin;
}

/** True when a check-in says anything at all (one tap is enough). */
export function saysSomething(fields) {
  return MEASURES.some((m) => scale(fields[m]) !== null) || list(fields.feelings).length > 0
    || list(fields.helped).length > 0 || Boolean(fields.context) || Boolean(fields.difficult)
    || String(fields.note ?? "").trim() !== "";
}

/**
 * Seal and keep a new check-in (no connection needed; it syncs later).
 * @returns {Promise<object>} the check-in as saved
 */
export async function saveCheckin(fields, now = new Date()) {
  if (!saysSomething(fields)) throw new Error("Tap at least one thing, then save.");
  const dataKey = await unlockedKey();
  const content = checkinOf({ updatedAt: now.toISOString() }, {
    ...fields, at: now.toISOString(), day: fields.day ?? dayKey(now),
    note: String(fields.note ?? "").slice(0, NOTE_LIMIT),
  });
  delete content.id;
  const { record } = await change(dataKey, CHECKIN, newRecordId(), () => content);
  return { ...content, id: record.id };
}

/** Every check-in on this device, newest first (one that will not open: {unreadable}). */
export async function listCheckins() {
  const checkins = (await openAll(CHECKIN, (record, content) => (
    content.kind === DISMISSAL ? null : checkinOf(record, content)))).filter(Boolean);
  return checkins.sort((a, b) => String(b.at ?? "").localeCompare(String(a.at ?? "")));
}

// ── monthly reflections ────────────────────────────────────────────────────────────────

function reflectionOf(record, content) {
  return {
    id: record.id,
    at: String(content.at ?? record.updatedAt),
    instrument: content.instrument ?? null,
    answers: content.answers && typeof content.answers === "object" ? content.answers : {},
    results: Array.isArray(content.results) ? content.results : [],
  };
}

/**
 * Keep a reflection: her answers and the results worked out from them on this device.
 * @param {{instrument: {id, version}, answers: object, results: object[]}} reflection
 */
export async function saveReflection(reflection, now = new Date()) {
  const dataKey = await unlockedKey();
  const content = {
    at: now.toISOString(),
    instrument: { id: reflection.instrument.id, version: reflection.instrument.version },
    answers: reflection.answers,
    results: reflection.results.map(({ id, name, score, lowest, highest, band }) => ({
      id, name, score, lowest, highest, label: band?.label ?? null,
    })),
  };
  const { record } = await change(dataKey, REFLECTION, newRecordId(), () => content);
  return reflectionOf(record, content);
}

/** Her reflections, oldest first. */
export async function listReflections() {
  const reflections = (await openAll(REFLECTION, reflectionOf)).filter((r) => !r.unreadable);
  return reflections.sort((a, b) => a.at.localeCompare(b.at));
}

// ── suggestions she has put away ───────────────────────────────────────────────────────

/**
 * Put a suggestion away (sealed and synced, so her other devices stay quiet too). It is
 * kept as a record of the check-in type: a type of its own would tell the server, by its
 * mere existence, that Tend had seen hard days worth a suggestion.
 */
export async function dismissInsight(insight, day = dayKey()) {
  const dataKey = await unlockedKey();
  await change(dataKey, CHECKIN, newRecordId(), () => ({ kind: DISMISSAL, insight, day }));
}

/** @returns {Promise<{kind: string, day: string}[]>} the suggestions she put away */
export async function dismissedInsights() {
  const all = await openAll(CHECKIN, (record, content) => (content.kind === DISMISSAL
    ? { kind: String(content.insight ?? ""), day: String(content.day ?? "") } : null));
  return all.filter((d) => d && !d.unreadable);
}
