/* Her self-care plan: ONE sealed record of type "plan" per person, the same on every device
   (docs/sync.md, "The self-care plan"), and a sealed draft of whatever she is filling in.

   A plan: {warningSigns, helps, avoid, afterHardShift: [text], people: [{name, phone, note}],
   reasons: text, createdAt, updatedAt, mergedAt}. `mergedAt` is set when two versions made on
   different devices were put together, so that every device can tell her, until she says OK.

   Its record id is derived from her data key, so all her devices write the same record and
   the sync's version check catches two first plans or two edits made at once. The loser's
   text comes back as a "conflicting copy" (another plan record, sync.js); loadPlan merges
   any such copy into the plan (lists joined, differing texts both kept) and deletes it. */
import { openRecord, sealRecord } from "./records.js";
import * as store from "./store.js";
import { change, openAll, unlockedKey } from "./vault.js";

const TYPE = "plan";
const DRAFT_TYPE = "plan-draft";
export const LIST_SECTIONS = Object.freeze(["warningSigns", "helps", "avoid", "afterHardShift"]);
export const ITEM_LIMIT = 200;
export const TEXT_LIMIT = 4000;
const MAX_ITEMS = 40;
const MAX_PEOPLE = 20;

const encoder = new TextEncoder();
// The plan's id: a MAC of this label under her data key. The fixed nonce is used for this
// one fixed message only (records take fresh random nonces), so it always gives the same tag.
const ID_LABEL = encoder.encode("tend v1 plan record id");
const ID_NONCE = encoder.encode("tend plan id"); // 12 bytes

/**
 * The plan's record id: the same on all her devices, and unguessable by anyone without her
 * data key (a colleague who knows her account id cannot take it first). SHA-256 of the label
 * and the AES-GCM tag of the label under the data key, shaped as a UUIDv4.
 *
 * @param {CryptoKey} dataKey
 * @returns {Promise<string>}
 */
export async function planId(dataKey) {
  const tag = new Uint8Array(await crypto.subtle.encrypt(
    { name: "AES-GCM", iv: ID_NONCE, additionalData: ID_LABEL }, dataKey, new Uint8Array(0),
  ));
  const input = new Uint8Array(ID_LABEL.length + tag.length);
  input.set(ID_LABEL);
  input.set(tag, ID_LABEL.length);
  const bytes = new Uint8Array(await crypto.subtle.digest("SHA-256", input)).slice(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// ── the plan's shape ─────────────────────────────────────────────────────────────────

function folded(text) {
  return String(text).normalize("NFKC").trim().replace(/\s+/g, " ").toLocaleLowerCase();
}

function cleanText(value, limit) {
  return String(value ?? "").trim().slice(0, limit);
}

function cleanList(value) {
  const items = typeof value === "string" ? value.split("\n") : Array.isArray(value) ? value : [];
  return unionBy(folded, items.map((item) => cleanText(item, ITEM_LIMIT)).filter(Boolean), [])
    .slice(0, MAX_ITEMS);
}

function cleanPerson(person) {
  return {
    name: cleanText(person?.name, 80),
    phone: cleanText(person?.phone, 30),
    note: cleanText(person?.note, ITEM_LIMIT),
  };
}

function personKey(person) {
  return `${folded(person.name)}|${String(person.phone).replace(/[^\d+]/g, "")}`;
}

function cleanPeople(value) {
  const people = Array.isArray(value) ? value.map(cleanPerson).filter((p) => p.name) : [];
  return unionPeople(people, []).slice(0, MAX_PEOPLE);
}

/** A plan with nothing in it yet. */
export function emptyPlan() {
  return {
    warningSigns: [], helps: [], avoid: [], people: [], afterHardShift: [], reasons: "",
    createdAt: null, updatedAt: null, mergedAt: null,
  };
}

/** Only what a plan is made of, tidied (anything else in the content is left behind). */
export function normalise(content) {
  const plan = emptyPlan();
  for (const key of LIST_SECTIONS) plan[key] = cleanList(content?.[key]);
  plan.people = cleanPeople(content?.people);
  plan.reasons = cleanText(content?.reasons, TEXT_LIMIT);
  for (const key of ["createdAt", "updatedAt", "mergedAt"]) {
    plan[key] = typeof content?.[key] === "string" ? content[key] : null;
  }
  return plan;
}

/** True when she has written nothing in any section. */
export function isEmpty(plan) {
  return LIST_SECTIONS.every((key) => !plan[key].length) && !plan.people.length && !plan.reasons;
}

// ── putting two versions together ────────────────────────────────────────────────────

/** `a`, then whatever of `b` is not in it yet (compared by `key`). */
function unionBy(key, a, b) {
  const seen = new Set();
  const out = [];
  for (const item of [...a, ...b]) {
    const k = key(item);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(item);
  }
  return out;
}

/** Two texts as one: the same (or one inside the other) stays one; different, both. */
export function mergeTexts(a, b, joiner = "\n\n") {
  const [x, y] = [String(a ?? "").trim(), String(b ?? "").trim()];
  if (!x) return y;
  if (!y || folded(x).includes(folded(y))) return x;
  if (folded(y).includes(folded(x))) return y;
  return `${x}${joiner}${y}`;
}

function unionPeople(a, b) {
  const byKey = new Map();
  for (const person of [...a, ...b]) {
    const key = personKey(person);
    const known = byKey.get(key);
    byKey.set(key, known ? { ...known, note: mergeTexts(known.note, person.note, " / ") } : person);
  }
  return [...byKey.values()];
}

/** Both versions kept: lists joined (nothing twice), people joined, differing texts both. */
export function mergePlans(a, b) {
  const [x, y] = [normalise(a), normalise(b)];
  const merged = { ...x };
  for (const key of LIST_SECTIONS) merged[key] = cleanList([...x[key], ...y[key]]);
  merged.people = unionPeople(x.people, y.people).slice(0, MAX_PEOPLE);
  merged.reasons = mergeTexts(x.reasons, y.reasons).slice(0, TEXT_LIMIT);
  const times = [x.createdAt, y.createdAt].filter(Boolean).sort();
  merged.createdAt = times[0] ?? null;
  return merged;
}

/**
 * Her edit of one section, made from `before`, applied to the plan as it is now (another
 * device's change may have arrived meanwhile): her version, plus anything the other added.
 *
 * @returns {{plan: object, combined: boolean}} combined: two different texts were kept
 */
export function applyEdit(current, key, before, after) {
  const plan = normalise(current);
  if (key === "reasons") {
    const [now, was, wants] = [plan.reasons, cleanText(before, TEXT_LIMIT), cleanText(after, TEXT_LIMIT)];
    if (now === was || now === wants) return { plan: { ...plan, reasons: wants }, combined: false };
    const reasons = mergeTexts(now, wants).slice(0, TEXT_LIMIT);
    return { plan: { ...plan, reasons }, combined: reasons !== wants };
  }
  if (key === "people") {
    const [was, wants] = [cleanPeople(before), cleanPeople(after)];
    const known = new Set(was.map(personKey));
    const added = plan.people.filter((p) => !known.has(personKey(p)));
    return { plan: { ...plan, people: unionPeople(wants, added).slice(0, MAX_PEOPLE) }, combined: false };
  }
  if (!LIST_SECTIONS.includes(key)) throw new TypeError(`A plan has no section "${key}".`);
  const [was, wants] = [cleanList(before), cleanList(after)];
  const known = new Set(was.map(folded));
  const added = plan[key].filter((item) => !known.has(folded(item)));
  return { plan: { ...plan, [key]: cleanList([...wants, ...added]) }, combined: false };
}

// ── reading and writing ──────────────────────────────────────────────────────────────

function shape(record, content) {
  return { id: record.id, version: record.version, plan: normalise(content) };
}

let merging = Promise.resolve();

/** The stored plan record can't be opened here: nothing may be written over it. */
export class UnreadablePlanError extends Error {
  constructor() {
    super("Your plan couldn't be opened on this device, so it was left as it is.");
    this.name = "UnreadablePlanError";
  }
}

function guard(stored, previous) {
  if (stored && !stored.deleted && stored.envelope && previous === null) {
    throw new UnreadablePlanError();
  }
}

/** Fold every other plan record (a conflicting copy) into the plan, then delete it. */
async function mergeCopies(dataKey, id, found) {
  const copies = [];
  for (const copy of found) {
    const stored = await store.getRecord(copy.id);
    if (stored && !stored.deleted) copies.push(copy); // not merged already, in this tab
  }
  if (!copies.length) return;
  const now = new Date().toISOString();
  await change(dataKey, TYPE, id, (stored, previous) => {
    guard(stored, previous);
    let plan = previous ? normalise(previous) : emptyPlan();
    for (const copy of copies) plan = mergePlans(plan, copy.plan);
    return { ...plan, createdAt: plan.createdAt ?? now, updatedAt: now, mergedAt: now };
  });
  for (const copy of copies) await change(dataKey, TYPE, copy.id, () => null);
}

/**
 * Her plan as this device has it, with any conflicting copy merged in first.
 *
 * @returns {Promise<{plan: object|null, unreadable: boolean}>} plan null: none yet
 */
export async function loadPlan() {
  const dataKey = await unlockedKey();
  const id = await planId(dataKey);
  const all = await openAll(TYPE, shape);
  const copies = all.filter((r) => r.id !== id && !r.unreadable);
  const main = all.find((r) => r.id === id);
  if (main?.unreadable) return { plan: null, unreadable: true };
  if (copies.length) {
    const work = merging.then(() => mergeCopies(dataKey, id, copies));
    merging = work.catch(() => {});
    await work;
    return loadPlan();
  }
  return { plan: main ? main.plan : null, unreadable: false };
}

/**
 * Keep the plan from her first, guided fill. If a plan reached this device meanwhile (she
 * made one on another device too), both are kept together and she will be told.
 *
 * @returns {Promise<object>} the plan as saved
 */
export async function saveFirstPlan(filled) {
  const dataKey = await unlockedKey();
  const now = new Date().toISOString();
  const { content } = await change(dataKey, TYPE, await planId(dataKey), (stored, previous) => {
    guard(stored, previous);
    const before = previous ? normalise(previous) : null;
    const mine = { ...normalise(filled), createdAt: now, mergedAt: null };
    if (!before || isEmpty(before)) return { ...mine, createdAt: before?.createdAt ?? now, updatedAt: now };
    return { ...mergePlans(before, mine), updatedAt: now, mergedAt: isEmpty(mine) ? before.mergedAt : now };
  });
  return normalise(content);
}

/**
 * Keep her change to one section, made from `before` (what the section held when she
 * started), on top of the plan as it is now.
 *
 * @returns {Promise<object>} the plan as saved
 */
export async function saveSection(key, before, after) {
  const dataKey = await unlockedKey();
  const now = new Date().toISOString();
  const { content } = await change(dataKey, TYPE, await planId(dataKey), (stored, previous) => {
    guard(stored, previous);
    const { plan, combined } = applyEdit(previous ?? emptyPlan(), key, before, after);
    return { ...plan, createdAt: plan.createdAt ?? now, updatedAt: now, mergedAt: combined ? now : plan.mergedAt };
  });
  return normalise(content);
}

/** She has seen that two versions were put together: stop saying so, on every device. */
export async function acknowledgeMerge() {
  const dataKey = await unlockedKey();
  const { content } = await change(dataKey, TYPE, await planId(dataKey), (stored, previous) => {
    guard(stored, previous);
    return { ...normalise(previous ?? emptyPlan()), mergedAt: null };
  });
  return normalise(content);
}

// ── a phone number, checked gently on the device ─────────────────────────────────────

/**
 * @returns {string|null} why the number can't be used, or null if it is fine (or empty)
 */
export function phoneProblem(text) {
  const phone = String(text ?? "").trim();
  if (!phone) return null;
  if (!/^\+?[\d ]+$/.test(phone)) {
    return "A phone number can have digits and spaces, and a + at the start, like 07700 900123.";
  }
  const digits = phone.replace(/\D/g, "").length;
  if (digits < 3 || digits > 15) return "That number looks too short or too long. Could you check it?";
  return null;
}

/** The number as a tel: or sms: link wants it: no spaces. */
export function dialable(phone) {
  return String(phone).replace(/\s+/g, "");
}

// ── the draft: what she is filling in or editing, sealed, on this device only ─────────

async function draftKey() {
  const dataKey = await unlockedKey();
  return { dataKey, id: await planId(dataKey) };
}

/**
 * Keep what she is filling in, sealed, in case the app closes: {mode: "fill", step, plan,
 * pending} or {mode: "edit", section, before, value, pending}.
 */
export async function savePlanDraft(draft) {
  const { dataKey, id } = await draftKey();
  const savedAt = new Date().toISOString();
  const envelope = await sealRecord(dataKey, { id, type: DRAFT_TYPE, version: 1 }, { ...draft, savedAt });
  await store.putDraft({ id, envelope, savedAt });
  return { savedAt };
}

/** @returns {Promise<object|null>} the draft, or null if there is none that opens */
export async function loadPlanDraft() {
  const { dataKey, id } = await draftKey();
  const kept = (await store.allDrafts()).find((draft) => draft.id === id);
  if (!kept) return null;
  try {
    return await openRecord(dataKey, { id, type: DRAFT_TYPE, version: 1 }, kept.envelope);
  } catch {
    return null;
  }
}

export async function discardPlanDraft() {
  const { id } = await draftKey();
  await store.deleteDraft(id);
}

/** The plan's record id for whoever has unlocked Tend here. */
export async function planRecordId() {
  return planId(await unlockedKey());
}
