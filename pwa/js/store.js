/* This device's copy of the worker's records, in IndexedDB database "tend-data".

   Only ciphertext is ever written here: every record and draft is an envelope sealed by
   records.js with the data key; decrypted content lives in memory only (docs/sync.md).

   records  key id:         {id, type, version, deleted, envelope, updatedAt}
   outbox   key mutationId: {mutationId, recordId, type, baseVersion, deleted, envelope,
                             queuedAt, seq}  (seq keeps changes to one record in order)
   meta     key name:       {name, value}  ("userId", "cursor")
   drafts   key id:         {id, envelope, savedAt}  (sealed as type "draft")

   The database belongs to one person: bind(userId) empties it if someone else's data is
   there. session.clearDevice() deletes it on sign-out. */

const DATABASE = "tend-data";
const VERSION = 1;
export const STORES = ["records", "outbox", "meta", "drafts"];

/** Settle when an IndexedDB request does. */
export function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

let opening = null;

/** One shared connection, closed as soon as anyone (sign-out, another tab's upgrade)
    wants to delete or upgrade the database, so they are never blocked by it. */
function database() {
  if (!opening) {
    const request = indexedDB.open(DATABASE, VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore("records", { keyPath: "id" });
      const outbox = db.createObjectStore("outbox", { keyPath: "mutationId" });
      outbox.createIndex("seq", "seq", { unique: true });
      outbox.createIndex("recordId", "recordId");
      db.createObjectStore("meta", { keyPath: "name" });
      db.createObjectStore("drafts", { keyPath: "id" });
    };
    opening = done(request).then((db) => {
      const forget = () => {
        db.close();
        opening = null;
        boundUser = null;
      };
      db.onversionchange = forget;
      db.onclose = () => {
        opening = null;
        boundUser = null;
      };
      return db;
    });
    opening.catch(() => { opening = null; });
  }
  return opening;
}

/** Thrown by a transaction's work to abort it on purpose. */
export class StaleRecordError extends Error {
  constructor() {
    super("This entry changed while it was being saved.");
    this.name = "StaleRecordError";
  }
}

/**
 * Run `work(stores)` in one transaction over `names`; resolves with its result once the
 * transaction has committed, or rejects (and nothing of it is kept).
 */
export async function transaction(names, mode, work) {
  const db = await database();
  const tx = db.transaction(names, mode);
  const finished = new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error("Transaction aborted."));
  });
  finished.catch(() => {});
  const stores = Object.fromEntries(names.map((name) => [name, tx.objectStore(name)]));
  let result;
  try {
    result = await work(stores);
  } catch (error) {
    try { tx.abort(); } catch { /* already finished */ }
    throw error;
  }
  await finished;
  return result;
}

let boundUser = null;

/** Make sure the database holds `userId`'s data only: anyone else's is cleared first. */
export async function bind(userId) {
  if (!userId) throw new Error("Nobody is signed in on this device.");
  if (boundUser === userId) return;
  await transaction(STORES, "readwrite", async (s) => {
    const owner = await done(s.meta.get("userId"));
    if (owner?.value === userId) return;
    await Promise.all(STORES.map((name) => done(s[name].clear())));
    await done(s.meta.put({ name: "userId", value: userId }));
  });
  boundUser = userId;
}

// ── records ──────────────────────────────────────────────────────────────────────────

export function getRecord(id) {
  return transaction(["records"], "readonly", (s) => done(s.records.get(id)));
}

/** Every record, optionally of one type (tombstones included). */
export async function allRecords(type) {
  const all = await transaction(["records"], "readonly", (s) => done(s.records.getAll()));
  return type ? all.filter((record) => record.type === type) : all;
}

/** The next outbox seq, inside a transaction that includes "outbox". */
async function nextSeq(outbox) {
  const cursor = await done(outbox.index("seq").openCursor(null, "prev"));
  return cursor ? cursor.value.seq + 1 : 1;
}

/**
 * A change made on this device: the record and its outbox entry, in ONE transaction.
 *
 * @param {object} record {id, type, version, deleted, envelope, updatedAt}
 * @param {number} expectedVersion the version the change was made on (0: new); if the
 *   stored record has moved on meanwhile, nothing is written and StaleRecordError is thrown
 * @returns {Promise<object>} the outbox entry
 */
export function saveLocalChange(record, expectedVersion) {
  return transaction(["records", "outbox"], "readwrite", async (s) => {
    const stored = await done(s.records.get(record.id));
    if ((stored?.version ?? 0) !== expectedVersion) throw new StaleRecordError();
    const mutation = {
      mutationId: crypto.randomUUID(),
      recordId: record.id,
      type: record.type,
      baseVersion: expectedVersion,
      deleted: record.deleted,
      envelope: record.deleted ? null : record.envelope,
      queuedAt: Date.now(),
      seq: await nextSeq(s.outbox),
    };
    await done(s.records.put(record));
    await done(s.outbox.put(mutation));
    return mutation;
  });
}

/**
 * Records restored from a backup, all in ONE transaction with their outbox entries, each
 * marked `restored` (if the server already has that record, sync keeps the server's and
 * makes no conflicting copy). If any record moved on meanwhile, nothing is written.
 *
 * @param {{record: object, expectedVersion: number}[]} changes
 */
export function saveRestored(changes) {
  return transaction(["records", "outbox"], "readwrite", async (s) => {
    let seq = await nextSeq(s.outbox);
    for (const { record, expectedVersion } of changes) {
      const stored = await done(s.records.get(record.id));
      if ((stored?.version ?? 0) !== expectedVersion) throw new StaleRecordError();
      await done(s.records.put(record));
      await done(s.outbox.put({
        mutationId: crypto.randomUUID(),
        recordId: record.id,
        type: record.type,
        baseVersion: expectedVersion,
        deleted: false,
        envelope: record.envelope,
        queuedAt: Date.now(),
        seq: seq++,
        restored: true,
      }));
    }
  });
}

// ── outbox ───────────────────────────────────────────────────────────────────────────

/** Pending changes, oldest first. */
export function outbox() {
  return transaction(["outbox"], "readonly", (s) => done(s.outbox.index("seq").getAll()));
}

export function outboxCount() {
  return transaction(["outbox"], "readonly", (s) => done(s.outbox.count()));
}

/** Forget acknowledged mutations. */
export function removeMutations(ids) {
  return transaction(["outbox"], "readwrite", async (s) => {
    await Promise.all(ids.map((id) => done(s.outbox.delete(id))));
  });
}

/**
 * Settle a conflict: every pending change to `recordId` is dropped, the server's record
 * replaces the local one, and (if given) the local text is kept as a new record with its
 * own outbox entry, all in one transaction.
 */
export function resolveConflict(recordId, serverRecord, copy) {
  return transaction(["records", "outbox"], "readwrite", async (s) => {
    const pending = await done(s.outbox.index("recordId").getAllKeys(recordId));
    await Promise.all(pending.map((key) => done(s.outbox.delete(key))));
    if (serverRecord) await done(s.records.put(serverRecord));
    else await done(s.records.delete(recordId));
    if (copy) {
      await done(s.records.put(copy));
      await done(s.outbox.put({
        mutationId: crypto.randomUUID(),
        recordId: copy.id,
        type: copy.type,
        baseVersion: 0,
        deleted: false,
        envelope: copy.envelope,
        queuedAt: Date.now(),
        seq: await nextSeq(s.outbox),
      }));
    }
  });
}

// ── pulled changes ───────────────────────────────────────────────────────────────────

/**
 * Store one page of pulled changes and the cursor after it, in one transaction. A record
 * with a pending local change is left alone (pushing it will surface any conflict), and
 * so is one already at that version or newer.
 *
 * @returns {Promise<number>} how many records changed here
 */
export function applyPulled(records, cursor) {
  return transaction(["records", "outbox", "meta"], "readwrite", async (s) => {
    let changed = 0;
    for (const record of records) {
      const pending = await done(s.outbox.index("recordId").count(record.id));
      if (pending) continue;
      const stored = await done(s.records.get(record.id));
      if (stored && stored.version >= record.version) continue;
      await done(s.records.put(record));
      changed += 1;
    }
    await done(s.meta.put({ name: "cursor", value: cursor }));
    return changed;
  });
}

export async function getMeta(name) {
  const row = await transaction(["meta"], "readonly", (s) => done(s.meta.get(name)));
  return row?.value;
}

// ── drafts ───────────────────────────────────────────────────────────────────────────

export function putDraft(draft) {
  return transaction(["drafts"], "readwrite", (s) => done(s.drafts.put(draft)));
}

export function allDrafts() {
  return transaction(["drafts"], "readonly", (s) => done(s.drafts.getAll()));
}

export function deleteDraft(id) {
  return transaction(["drafts"], "readwrite", (s) => done(s.drafts.delete(id)));
}
