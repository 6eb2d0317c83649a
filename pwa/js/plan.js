/* Her self-care plan: ONE sealed record of type "plan" per person, the same on every device
   (docs/sync.md, "The self-care plan"), and a sealed draft of whatever she is filling in.

   A plan: {warningSigns, helps, avoid, afterHardShift: [text], people: [{name, phone, note}],
   reasons: text, marks, createdAt, updatedAt, mergedAt}. `marks[section]` = {id, basedOn}:
   an id for the section as it is, and the ids of the versions it was made from (newest
   first), so that two versions of a section can be told apart as "one is an edit of the
   other" or "both changed". `mergedAt` is set when two versions that both changed a section
   were put together, so that every device can tell her, until she says OK.

   Its record id is derived from her data key, so all her devices write the same record and
   the sync's version check catches two first plans or two edits made at once. The loser's
   text comes back as a "conflicting copy" (another plan record, sync.js); loadPlan merges
   any such copy into the plan, section by section (a three-way merge, mergePlans), and
   deletes it. Nothing she wrote is ever cut: the limits are the editors' (views/plan.js). */
import { digestId, openRecord, sealRecord } from "./records.js";
import * as store from "./store.js";
import { change, openAll, openOne, unlockedKey } from "./vault.js";

const TYPE = "plan";
const DRAFT_TYPE = "plan-draft";
export const LIST_SECTIONS = Object.freeze(["warningSigns", "helps", "avoid", "afterHardShift"]);
export const SECTIONS = Object.freeze([...LIST_SECTIONS, "people", "reasons"]);
// What the editors let her write (views/plan.js). Stored plans are never cut to them: a
// merge may hold more, and everything she wrote is kept.
export const ITEM_LIMIT = 200;
export const TEXT_LIMIT = 4000;
export const MAX_ITEMS = 40;
export const MAX_PEOPLE = 20;
/** How many earlier versions of a section its mark remembers. */
const MARK_HISTORY = 32;

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
  return digestId(input);
}

// ── the plan's shape ─────────────────────────────────────────────────────────────────

function folded(text) {
  return String(text).normalize("NFKC").trim().replace(/\s+/g, " ").toLocaleLowerCase();
}

function cleanText(value) {
  return String(value ?? "").trim();
}

function cleanList(value) {
  const items = typeof value === "string" ? value.split("\n") : Array.isArray(value) ? value : [];
  return unionBy(folded, items.map(cleanText).filter(Boolean), []);
}

function cleanPerson(person) {
  return { name: cleanText(person?.name), phone: cleanText(person?.phone), note: cleanText(person?.note) };
}

function personKey(person) {
  return `${folded(person.name)}|${String(person.phone).replace(/[^\d+]/g, "")}`;
}

function cleanPeople(value) {
  const people = Array.isArray(value) ? value.map(cleanPerson).filter((p) => p.name) : [];
  return unionPeople(people, []);
}

function cleanMarks(value) {
  const marks = {};
  for (const key of SECTIONS) {
    const mark = value?.[key];
    if (typeof mark?.id !== "string" || !mark.id) continue;
    const basedOn = Array.isArray(mark.basedOn) ? mark.basedOn.filter((id) => typeof id === "string") : [];
    marks[key] = { id: mark.id, basedOn: basedOn.slice(0, MARK_HISTORY) };
  }
  return marks;
}

/** A plan with nothing in it yet. */
export function emptyPlan() {
  return {
    warningSigns: [], helps: [], avoid: [], people: [], afterHardShift: [], reasons: "",
    marks: {}, createdAt: null, updatedAt: null, mergedAt: null,
  };
}

/** Only what a plan is made of, tidied (anything else in the content is left behind). */
export function normalise(content) {
  const plan = emptyPlan();
  for (const key of LIST_SECTIONS) plan[key] = cleanList(content?.[key]);
  plan.people = cleanPeople(content?.people);
  plan.reasons = cleanText(content?.reasons);
  plan.marks = cleanMarks(content?.marks);
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

/** One section of two versions, put together: nothing twice, differing texts both. */
function joinSection(key, a, b) {
  if (key === "reasons") return mergeTexts(a, b);
  if (key === "people") return unionPeople(a, b);
  return cleanList([...a, ...b]);
}

function sameValue(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A short fingerprint of some text (53-bit cyrb53, twice): not secret, only to compare. */
function fingerprint(text) {
  const half = (seed) => {
    let h1 = 0xdeadbeef ^ seed;
    let h2 = 0x41c6ce57 ^ seed;
    for (let i = 0; i < text.length; i += 1) {
      const c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
  };
  return `${half(1)}${half(2)}`;
}

/**
 * A section's mark. A section saved before sections were marked (or by an older Tend)
 * has none: its id is then a fingerprint of what it holds, which is what a newer Tend put
 * in `basedOn` when it changed that section, so an older plan still merges as it should.
 */
function markOf(plan, key) {
  return plan.marks?.[key] ?? { id: `c-${fingerprint(JSON.stringify(plan[key]))}`, basedOn: [] };
}

/** A fresh mark for a section changed from `plan`'s version of it. */
function nextMark(plan, key) {
  const was = markOf(plan, key);
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  const id = `r-${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
  return { id, basedOn: [was.id, ...was.basedOn].slice(0, MARK_HISTORY) };
}

/** `plan` with its section `key` set to `value`, and marked as changed if it did change. */
function withSection(plan, key, value) {
  if (sameValue(plan[key], value)) return plan;
  return { ...plan, [key]: value, marks: { ...plan.marks, [key]: nextMark(plan, key) } };
}

/**
 * How two versions of a section stand, from their marks: "same", "current" (the copy is an
 * older version of it: keep it), "copy" (the copy is an edit of it: take the copy) or
 * "both" (each changed it from somewhere else).
 */
function sectionRelation(current, copy, key) {
  if (sameValue(current[key], copy[key])) return "same";
  const [mine, theirs] = [markOf(current, key), markOf(copy, key)];
  if (mine.id === theirs.id || mine.basedOn.includes(theirs.id)) return "current";
  if (theirs.basedOn.includes(mine.id)) return "copy";
  return "both";
}

/**
 * A conflicting copy (another device's whole plan) merged into the current plan, section by
 * section: a section the copy only had an older version of stays as it is now (so what she
 * removed or rewrote stays removed or rewritten); one the copy changed and this plan did
 * not is taken from the copy; one both changed is joined (nothing cut, nothing twice), and
 * only then, if that adds anything, is she told (`told`).
 *
 * @returns {{plan: object, told: boolean}} plan: with `mergedAt` left as `current`'s
 */
export function mergePlans(current, copy) {
  const [now, other] = [normalise(current), normalise(copy)];
  const merged = { ...now, marks: { ...now.marks } };
  let told = false;
  for (const key of SECTIONS) {
    const relation = sectionRelation(now, other, key);
    if (relation === "copy") {
      merged[key] = other[key];
      merged.marks[key] = markOf(other, key);
    } else if (relation === "both") {
      const [mine, theirs] = [markOf(now, key), markOf(other, key)];
      merged[key] = joinSection(key, now[key], other[key]);
      // The same id whichever device makes this merge, so that two merging at once agree.
      const pair = [mine.id, theirs.id].sort();
      merged.marks[key] = {
        id: `m-${fingerprint(pair.join(" "))}`,
        basedOn: [...new Set([...pair, ...mine.basedOn, ...theirs.basedOn])].slice(0, MARK_HISTORY),
      };
      told ||= !sameValue(merged[key], now[key]);
    }
  }
  const times = [now.createdAt, other.createdAt].filter(Boolean).sort();
  merged.createdAt = times[0] ?? null;
  return { plan: merged, told };
}

/** The same content and marks (times aside). */
function samePlan(a, b) {
  return SECTIONS.every((key) => sameValue(a[key], b[key]))
    && sameValue(a.marks, b.marks) && a.createdAt === b.createdAt;
}

/**
 * A list section edited from `was` to `wants`, applied to `now` (another device's change
 * may have arrived meanwhile): what she added or kept, less what the other removed
 * meanwhile, plus what the other added.
 */
function threeWay(now, was, wants, keyOf) {
  const [nowBy, wasBy, wantsKeys] = [
    new Map(now.map((item) => [keyOf(item), item])),
    new Map(was.map((item) => [keyOf(item), item])),
    new Set(wants.map(keyOf)),
  ];
  const out = [];
  for (const item of wants) {
    const key = keyOf(item);
    if (wasBy.has(key) && !nowBy.has(key)) continue; // removed elsewhere, untouched here
    // Untouched here but changed elsewhere (a person's note): the other's version.
    out.push(wasBy.has(key) && sameValue(wasBy.get(key), item) ? nowBy.get(key) : item);
  }
  for (const item of now) {
    const key = keyOf(item);
    if (!wasBy.has(key) && !wantsKeys.has(key)) out.push(item);
  }
  return out;
}

/**
 * Her edit of one section, made from `before`, applied to the plan as it is now (another
 * device's change may have arrived meanwhile): her changes, and the other device's too.
 *
 * @returns {{plan: object, combined: boolean}} combined: two different texts were kept
 */
export function applyEdit(current, key, before, after) {
  const plan = normalise(current);
  if (key === "reasons") {
    const [now, was, wants] = [plan.reasons, cleanText(before), cleanText(after)];
    if (now === was || now === wants) return { plan: withSection(plan, key, wants), combined: false };
    if (wants === was) return { plan, combined: false };
    const reasons = mergeTexts(now, wants);
    return { plan: withSection(plan, key, reasons), combined: reasons !== wants };
  }
  if (key === "people") {
    const people = threeWay(plan.people, cleanPeople(before), cleanPeople(after), personKey);
    return { plan: withSection(plan, key, cleanPeople(people)), combined: false };
  }
  if (!LIST_SECTIONS.includes(key)) throw new TypeError(`A plan has no section "${key}".`);
  const items = threeWay(plan[key], cleanList(before), cleanList(after), folded);
  return { plan: withSection(plan, key, cleanList(items)), combined: false };
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

/** Every copy merged into `plan`, one after another; told: she should hear of it. */
function mergeAll(plan, copies) {
  let told = false;
  for (const copy of copies) {
    const merged = mergePlans(plan, copy.plan);
    plan = merged.plan;
    told ||= merged.told;
  }
  return { plan, told };
}

/** Fold every other plan record (a conflicting copy) into the plan, then delete it. */
async function mergeCopies(dataKey, id, found) {
  const copies = [];
  for (const copy of found) {
    const stored = await store.getRecord(copy.id);
    if (stored && !stored.deleted) copies.push(copy); // not merged already, in this tab
  }
  if (!copies.length) return;
  const main = await openOne(TYPE, id, shape);
  if (main?.unreadable) throw new UnreadablePlanError();
  // A copy that brings nothing new (an OK said on two devices at once clashes too) leaves
  // the plan as it is: no new version, and no word about two versions.
  if (!main || !samePlan(mergeAll(main.plan, copies).plan, main.plan)) {
    const now = new Date().toISOString();
    await change(dataKey, TYPE, id, (stored, previous) => {
      guard(stored, previous);
      const { plan, told } = mergeAll(previous ? normalise(previous) : emptyPlan(), copies);
      return { ...plan, createdAt: plan.createdAt ?? now, updatedAt: now, mergedAt: told ? now : plan.mergedAt };
    });
  }
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
    const before = previous ? normalise(previous) : emptyPlan();
    // Her fill starts from nothing: a section filled where this plan's is still empty is
    // an edit of it; one filled where another device filled it first is a second version.
    const filledIn = normalise(filled);
    const mine = { ...emptyPlan(), createdAt: now };
    for (const key of SECTIONS) {
      if (!filledIn[key].length) continue;
      mine[key] = filledIn[key];
      mine.marks[key] = nextMark(before[key].length ? emptyPlan() : before, key);
    }
    const { plan, told } = mergePlans(before, mine);
    return { ...plan, createdAt: plan.createdAt ?? now, updatedAt: now, mergedAt: told ? now : before.mergedAt };
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
