/* The journal's data: entries sealed with the data key, kept as envelopes in IndexedDB
   (store.js), decrypted only in memory, and synced in the background (sync.js).

   An entry: {id, version, title, body, tags, feelings, prompt, createdAt, updatedAt,
   conflictOf?}; one that does not open: {id, unreadable: true, updatedAt}. */
import { newRecordId, openRecord, sealRecord } from "./records.js";
import * as store from "./store.js";
import { syncEvents } from "./sync.js";
import { change, openAll, openOne, unlockedKey } from "./vault.js";

const TYPE = "journal";
const DRAFT = "draft";
const UNDO_MS = 5 * 60_000;

function asList(value) {
  return Array.isArray(value) ? value.map(String) : [];
}

/** What she writes, normalised: the fields an entry and a draft share. */
function writtenFields(fields) {
  return {
    title: String(fields.title ?? ""),
    body: String(fields.body ?? ""),
    tags: asList(fields.tags),
    feelings: asList(fields.feelings),
    prompt: fields.prompt == null ? null : String(fields.prompt),
  };
}

/** The content sealed in an envelope: only what an entry is made of. */
function contentOf(fields, createdAt, updatedAt, conflictOf) {
  const content = { ...writtenFields(fields), createdAt, updatedAt };
  if (conflictOf) content.conflictOf = conflictOf;
  return content;
}

function entryOf(record, content) {
  const entry = {
    id: record.id,
    version: record.version,
    title: content.title ?? "",
    body: content.body ?? "",
    tags: asList(content.tags),
    feelings: asList(content.feelings),
    prompt: content.prompt ?? null,
    createdAt: content.createdAt ?? record.updatedAt,
    updatedAt: content.updatedAt ?? record.updatedAt,
  };
  if (content.conflictOf) entry.conflictOf = content.conflictOf;
  return entry;
}

function newestFirst(a, b) {
  const at = (entry) => entry.createdAt ?? entry.updatedAt ?? "";
  return String(at(b)).localeCompare(String(at(a)));
}

/** @returns {Promise<object[]>} every entry on this device, newest first */
export async function listEntries() {
  return (await openAll(TYPE, entryOf)).sort(newestFirst);
}

/** @returns {Promise<object|null>} one entry (null if there is none, or it was deleted) */
export async function getEntry(id) {
  return openOne(TYPE, id, entryOf);
}

/**
 * Save a new entry (no id) or a change to one.
 *
 * @param {object} fields {id?, version?, title, body, tags, feelings, prompt}; `version`,
 *   if given, is the version the change was made on: if the entry has moved on since
 *   (another device's change arrived), this text is saved as a conflicting copy instead,
 *   so neither is lost
 * @returns {Promise<object>} the entry as saved
 */
export async function saveEntry(fields) {
  const dataKey = await unlockedKey();
  let id = fields.id || newRecordId();
  let conflictOf = null;
  if (fields.id && Number.isInteger(fields.version)) {
    const stored = await store.getRecord(fields.id);
    if (stored && stored.version !== fields.version) {
      conflictOf = fields.id;
      id = newRecordId();
    }
  }
  const now = new Date().toISOString();
  const { record, content } = await change(dataKey, TYPE, id, (stored, previous) => {
    const createdAt = previous?.createdAt ?? now;
    const keepConflict = conflictOf ?? previous?.conflictOf ?? null;
    const title = conflictOf ? `${fields.title ?? ""} (conflicting copy)` : fields.title;
    return contentOf({ ...fields, title }, createdAt, now, keepConflict);
  });
  if (conflictOf) {
    const ids = [conflictOf, record.id];
    syncEvents.dispatchEvent(new CustomEvent("conflict", {
      detail: { recordId: conflictOf, copyId: record.id, deleted: false },
    }));
    syncEvents.dispatchEvent(new CustomEvent("changed", { detail: { ids } }));
  }
  return entryOf(record, content);
}

const recentlyDeleted = new Map();

/** Delete an entry: a tombstone that syncs, so other devices delete it too. The text is
    kept in memory for a few minutes so that restoreEntry can undo it. */
export async function deleteEntry(id) {
  const dataKey = await unlockedKey();
  const stored = await store.getRecord(id);
  if (!stored || stored.deleted) return false;
  const { previous } = await change(dataKey, TYPE, id, () => null);
  if (previous) {
    const timer = setTimeout(() => recentlyDeleted.delete(id), UNDO_MS);
    recentlyDeleted.set(id, { content: previous, timer });
  }
  return true;
}

/** Undo a recent deletion: a new version with the old content. */
export async function restoreEntry(id) {
  const dataKey = await unlockedKey();
  const kept = recentlyDeleted.get(id);
  if (!kept) throw new Error("This entry can no longer be restored.");
  const { record, content } = await change(dataKey, TYPE, id, () => ({
    ...kept.content, updatedAt: new Date().toISOString(),
  }));
  clearTimeout(kept.timer);
  recentlyDeleted.delete(id);
  return entryOf(record, content);
}

// ── drafts: sealed too, kept on this device only ─────────────────────────────────────

/**
 * Keep what is being written, sealed, in case the app closes.
 *
 * @param {object} draft {id?, entryId?, title, body, tags, feelings, prompt}
 * @returns {Promise<{id: string, savedAt: string}>}
 */
export async function saveDraft(draft) {
  const dataKey = await unlockedKey();
  const id = draft.id || newRecordId();
  const savedAt = new Date().toISOString();
  const content = { entryId: draft.entryId ?? null, ...writtenFields(draft), savedAt };
  const envelope = await sealRecord(dataKey, { id, type: DRAFT, version: 1 }, content);
  await store.putDraft({ id, envelope, savedAt });
  return { id, savedAt };
}

/** @returns {Promise<object|null>} the most recent draft that opens, or null */
export async function loadDraft() {
  const dataKey = await unlockedKey();
  const drafts = (await store.allDrafts()).sort((a, b) => b.savedAt.localeCompare(a.savedAt));
  for (const draft of drafts) {
    try {
      const content = await openRecord(
        dataKey, { id: draft.id, type: DRAFT, version: 1 }, draft.envelope,
      );
      return { id: draft.id, ...content, savedAt: draft.savedAt };
    } catch {
      // a draft that does not open is skipped
    }
  }
  return null;
}

export async function discardDraft(id) {
  await unlockedKey();
  await store.deleteDraft(id);
}

// ── search, in memory ────────────────────────────────────────────────────────────────

function folded(text) {
  return String(text).normalize("NFKD").replace(/\p{M}/gu, "").toLocaleLowerCase();
}

/**
 * Entries matching every word of `query` (case- and accent-insensitive) in their title,
 * body, tags or feelings. An empty query matches all readable entries.
 */
export function searchEntries(query, entries) {
  const words = folded(query ?? "").split(/\s+/).filter(Boolean);
  return entries.filter((entry) => {
    if (entry.unreadable) return false;
    const text = folded([entry.title, entry.body, ...entry.tags, ...entry.feelings].join("\n"));
    return words.every((word) => text.includes(word));
  });
}
