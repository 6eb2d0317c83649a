/* Sealed records of any type (journal entries, check-ins, reflections, …): the data key
   of whoever has unlocked Tend, reading records as decrypted values in memory only, and
   writing a change as a new sealed version plus its outbox entry, in one transaction. */
import * as keystore from "./keystore.js";
import { openRecord, sealRecord } from "./records.js";
import * as store from "./store.js";
import { syncSoon } from "./sync.js";

const SAVE_ATTEMPTS = 3;

/** The data key, with the device's database bound to whoever has unlocked it. */
export async function unlockedKey() {
  const unlocked = await keystore.loadUnlocked();
  if (!unlocked) throw new Error("Tend is locked. Unlock it to see your notes.");
  await store.bind(unlocked.userId);
  return unlocked.dataKey;
}

/** `shape(record, content)` for a record that opens, or {id, unreadable, updatedAt}. */
export async function openAs(dataKey, record, shape) {
  try {
    const content = await openRecord(dataKey, record, record.envelope);
    if (!content || typeof content !== "object") throw new TypeError("not a record of ours");
    return shape(record, content);
  } catch {
    return { id: record.id, unreadable: true, updatedAt: record.updatedAt };
  }
}

/** Every live record of `type` on this device, opened and shaped. */
export async function openAll(type, shape) {
  const dataKey = await unlockedKey();
  const records = (await store.allRecords(type)).filter((r) => !r.deleted && r.envelope);
  return Promise.all(records.map((record) => openAs(dataKey, record, shape)));
}

/** One live record of `type`, opened and shaped; null if there is none. */
export async function openOne(type, id, shape) {
  const dataKey = await unlockedKey();
  const record = await store.getRecord(id);
  if (!record || record.deleted || record.type !== type || !record.envelope) return null;
  return openAs(dataKey, record, shape);
}

/**
 * Seal and keep a change to record `id` of `type` (record + outbox in one transaction),
 * retrying if the record moved on while sealing. `make(stored, previousContent)` gives the
 * new content, or null to delete.
 */
export async function change(dataKey, type, id, make) {
  for (let attempt = 1; ; attempt += 1) {
    const stored = await store.getRecord(id);
    let previous = null;
    if (stored && !stored.deleted && stored.envelope) {
      try {
        previous = await openRecord(dataKey, stored, stored.envelope);
      } catch {
        previous = null;
      }
    }
    const content = make(stored, previous);
    const version = (stored?.version ?? 0) + 1;
    const record = {
      id, type, version, deleted: content === null,
      envelope: content === null ? null : await sealRecord(dataKey, { id, type, version }, content),
      updatedAt: new Date().toISOString(),
    };
    try {
      await store.saveLocalChange(record, stored?.version ?? 0);
      syncSoon();
      return { record, content, previous };
    } catch (error) {
      if (!(error instanceof store.StaleRecordError) || attempt >= SAVE_ATTEMPTS) throw error;
    }
  }
}
