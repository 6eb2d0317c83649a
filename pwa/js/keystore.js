/* The unlocked data key, kept on this device between visits (see docs/keys.md).

   IndexedDB can hold a CryptoKey itself, so the key is stored non-extractable: scripts can
   use it, but no script can read its bytes, and no raw key is ever in web storage. Beside it
   lies the wrapped key material (ciphertext only), so that the unlock screen works offline.
   Locking deletes the key and keeps the wrapped material; signing out deletes everything. */
import { b64url, deriveAccountKeys, unwrapDataKey, WrongKeyError } from "./crypto.js";

const DATABASE = "tend-keys";
const STORE = "keys";
const RECORD = "current";

/** Settle when an IndexedDB request does. */
function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Run `work(store)` in one transaction on a connection opened for it and closed after,
    so that clearAll (here or in another tab) is never blocked by a connection left open. */
async function withStore(mode, work) {
  const opening = indexedDB.open(DATABASE, 1);
  opening.onupgradeneeded = () => opening.result.createObjectStore(STORE);
  const db = await done(opening);
  try {
    const transaction = db.transaction(STORE, mode);
    const finished = new Promise((resolve, reject) => {
      transaction.oncomplete = resolve;
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error ?? new Error("Transaction aborted."));
    });
    finished.catch(() => {}); // if `work` fails first, its error is the one to report
    const result = await work(transaction.objectStore(STORE));
    await finished;
    return result;
  } finally {
    db.close();
  }
}

function readRecord() {
  return withStore("readonly", (store) => done(store.get(RECORD)));
}

/** Key material as b64url text, whether given as text or bytes. */
function asText(value) {
  return value instanceof Uint8Array ? b64url.encode(value) : value;
}

/**
 * Keep the unlocked data key, with the wrapped material that can unlock it again.
 *
 * @param {object} unlocked
 * @param {string} unlocked.userId
 * @param {CryptoKey} unlocked.dataKey must be non-extractable
 * @param {string|Uint8Array} unlocked.salt the account's salt (stored as b64url)
 * @param {number} unlocked.iterations
 * @param {string|Uint8Array} unlocked.wrappedDataKey (stored as b64url)
 * @throws {TypeError} if the key is extractable: its bytes must never reach storage
 */
export async function saveUnlocked({ userId, dataKey, salt, iterations, wrappedDataKey }) {
  if (!(dataKey instanceof CryptoKey) || dataKey.extractable) {
    throw new TypeError("Only a non-extractable data key may be kept on this device.");
  }
  const record = {
    userId, dataKey, salt: asText(salt), iterations, wrappedDataKey: asText(wrappedDataKey),
  };
  await withStore("readwrite", async (store) => {
    // The recovery-wrapped copy (for backups) stays while it is still the same person's.
    const before = await done(store.get(RECORD));
    if (before?.userId === userId && before.recovery) record.recovery = before.recovery;
    await done(store.put(record, RECORD));
  });
}

/**
 * Keep the recovery-wrapped copy of the data key (ciphertext, from the server) so that a
 * backup made offline also opens with the recovery code (docs/export.md).
 * @param {string} userId whose it is: nothing is kept for anyone else
 * @param {{salt: string, wrappedDataKey: string} | null} recovery
 */
export async function saveRecoveryCopy(userId, recovery) {
  await withStore("readwrite", async (store) => {
    const record = await done(store.get(RECORD));
    if (!record || record.userId !== userId) return;
    if (recovery) record.recovery = { salt: recovery.salt, wrappedDataKey: recovery.wrappedDataKey };
    else delete record.recovery;
    await done(store.put(record, RECORD));
  });
}

/** @returns {Promise<{userId: string, dataKey: CryptoKey} | null>} the key, if unlocked */
export async function loadUnlocked() {
  const record = await readRecord();
  return record?.dataKey ? { userId: record.userId, dataKey: record.dataKey } : null;
}

/**
 * @returns {Promise<{userId: string, salt: string, iterations: number,
 *   wrappedDataKey: string, recovery: ?{salt: string, wrappedDataKey: string}} | null>}
 *   what the unlock screen (and a backup) needs, if anyone has signed in
 */
export async function loadWrapped() {
  const record = await readRecord();
  if (!record) return null;
  const { userId, salt, iterations, wrappedDataKey } = record;
  return { userId, salt, iterations, wrappedDataKey, recovery: record.recovery ?? null };
}

/** Forget the unlocked key; the password (offline too) brings it back. */
export async function lock() {
  await withStore("readwrite", async (store) => {
    const record = await done(store.get(RECORD));
    if (!record?.dataKey) return;
    delete record.dataKey;
    await done(store.put(record, RECORD));
  });
}

/** Delete the whole "tend-keys" database: for signing out. */
export async function clearAll() {
  await done(indexedDB.deleteDatabase(DATABASE));
}

/**
 * Unlock with the password, offline if need be, and keep the key unlocked.
 *
 * @param {string} password
 * @returns {Promise<CryptoKey>} the non-extractable data key
 * @throws {WrongKeyError} if the password is wrong
 * @throws {Error} if nobody has signed in on this device
 */
export async function unlockWithPassword(password) {
  const wrapped = await loadWrapped();
  if (!wrapped) throw new Error("Nobody has signed in to Tend on this device.");
  const { wrappingKey } = await deriveAccountKeys(
    password, b64url.decode(wrapped.salt), wrapped.iterations,
  );
  const dataKey = await unwrapDataKey(b64url.decode(wrapped.wrappedDataKey), wrappingKey);
  const { userId, salt, iterations, wrappedDataKey } = wrapped;
  await saveUnlocked({ userId, salt, iterations, wrappedDataKey, dataKey });
  return dataKey;
}

/**
 * Does `password` open the key kept here? (Offline too; nothing is changed.)
 * @returns {Promise<boolean>}
 */
export async function passwordOpens(password) {
  const wrapped = await loadWrapped();
  if (!wrapped) return false;
  const { wrappingKey } = await deriveAccountKeys(
    password, b64url.decode(wrapped.salt), wrapped.iterations,
  );
  try {
    await unwrapDataKey(b64url.decode(wrapped.wrappedDataKey), wrappingKey);
    return true;
  } catch (error) {
    if (error instanceof WrongKeyError) return false;
    throw error;
  }
}
