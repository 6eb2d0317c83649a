/* Encrypted backups (docs/export.md): made on this device from the envelopes it holds,
   opened with the password or recovery code they were made with, and restored into
   whichever account is unlocked here — the same one or another — without duplicates.
   Nothing is written until the whole backup has opened. */
import { get } from "./api.js";
import {
  b64url, deriveAccountKeys, deriveRecoveryKeys, parseRecoveryCode,
  unwrapDataKey, WrongKeyError,
} from "./crypto.js";
import { openForExport } from "./export.js";
import * as keystore from "./keystore.js";
import { mergePlans, normalise, planId } from "./plan.js";
import { digestId, openRecord, sealRecord, SYNCED_TYPES } from "./records.js";
import * as store from "./store.js";
import { syncNow, syncSoon } from "./sync.js";
import { unlockedKey } from "./vault.js";

export const BACKUP_FORMAT = "tend-backup";
export const BACKUP_VERSION = 1;
/** PBKDF2 iterations a backup may ask for: never fewer than Tend has ever used (a file
    asking for fewer was tampered with), never so many that opening it would hang. */
const MIN_ITERATIONS = 600_000;
const MAX_ITERATIONS = 10_000_000;
const MANIFEST_TYPE = "backup-manifest";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const B64URL = /^[A-Za-z0-9_-]*$/;

/** Why a backup can't be used, in words she can act on. Nothing has been changed. */
export class BackupError extends Error {
  constructor(reason, message) {
    super(message);
    this.name = "BackupError";
    this.reason = reason;
  }
}

const NOT_A_BACKUP = () => new BackupError("not-a-backup",
  "This file isn't a Tend backup, or it has been damaged. Nothing has been changed.");
const DAMAGED = () => new BackupError("damaged",
  "This backup is damaged: some of it can't be opened. Nothing has been changed. "
  + "If you have another copy of it, try that one.");

// ── making one ───────────────────────────────────────────────────────────────────────

/** The freshest key material: the server's when there is a connection (and the recovery
    copy is kept for next time), else what this device holds. */
async function keyMaterial(userId) {
  const wrapped = await keystore.loadWrapped();
  try {
    const keys = await get("/api/account/keys");
    const recovery = keys.recovery_salt && keys.recovery_wrapped_data_key
      ? { salt: keys.recovery_salt, wrappedDataKey: keys.recovery_wrapped_data_key } : null;
    await keystore.saveRecoveryCopy(userId, recovery);
    return {
      password: { salt: keys.salt, iterations: keys.iterations, wrapped_data_key: keys.wrapped_data_key },
      recovery: recovery && { salt: recovery.salt, wrapped_data_key: recovery.wrappedDataKey },
    };
  } catch {
    return {
      password: { salt: wrapped.salt, iterations: wrapped.iterations, wrapped_data_key: wrapped.wrappedDataKey },
      recovery: wrapped.recovery
        && { salt: wrapped.recovery.salt, wrapped_data_key: wrapped.recovery.wrappedDataKey },
    };
  }
}

/**
 * A backup of every live record on this device (changes not yet synced included), after
 * catching up with the server when there is a connection. A record that does not open
 * with her key is left out (and counted): one bad record must not spoil the backup.
 * @returns {Promise<{text: string, records: number, leftOut: number, upToDate: boolean,
 *   withRecovery: boolean, createdAt: Date}>}
 */
export async function makeBackup(now = new Date()) {
  const dataKey = await unlockedKey();
  const { userId } = await keystore.loadUnlocked();
  const summary = navigator.onLine ? await syncNow().catch(() => null) : null;
  const upToDate = Boolean(summary && !summary.error && !summary.skipped);
  const keys = await keyMaterial(userId);
  const live = (await store.allRecords()).filter((r) => !r.deleted && r.envelope);
  const opens = await Promise.all(live.map((r) => openRecord(dataKey, r, r.envelope).then(() => true, () => false)));
  const records = live.filter((_, i) => opens[i])
    .map((r) => ({ id: r.id, type: r.type, version: r.version, updated_at: r.updatedAt, envelope: r.envelope }));
  const backupId = crypto.randomUUID();
  const createdAt = now.toISOString();
  const manifest = await sealRecord(dataKey, { id: backupId, type: MANIFEST_TYPE, version: 1 }, {
    user_id: userId, created_at: createdAt, records: records.map((r) => [r.id, r.type, r.version]),
  });
  const backup = {
    format: BACKUP_FORMAT, version: BACKUP_VERSION, backup_id: backupId, created_at: createdAt,
    user_id: userId, keys, manifest, records,
  };
  return {
    text: JSON.stringify(backup), records: records.length, leftOut: live.length - records.length,
    upToDate, withRecovery: Boolean(keys.recovery), createdAt: now,
  };
}

// ── reading and opening one ──────────────────────────────────────────────────────────

const isText = (value, pattern) => typeof value === "string" && (!pattern || pattern.test(value));

/**
 * The backup in `text`, its shape checked (nothing opened yet).
 * @throws {BackupError}
 */
export function readBackup(text) {
  let backup;
  try {
    backup = JSON.parse(text);
  } catch {
    throw NOT_A_BACKUP();
  }
  if (!backup || typeof backup !== "object" || backup.format !== BACKUP_FORMAT) throw NOT_A_BACKUP();
  if (Number.isInteger(backup.version) && backup.version > BACKUP_VERSION) {
    throw new BackupError("newer", "This backup was made by a newer version of Tend. "
      + "Please update Tend (reload it with a connection) and try again. Nothing has been changed.");
  }
  const password = backup.keys?.password;
  const recovery = backup.keys?.recovery;
  const wellFormed = backup.version === BACKUP_VERSION
    && isText(backup.backup_id, UUID) && isText(backup.user_id, UUID) && isText(backup.created_at)
    && isText(backup.manifest, B64URL) && Array.isArray(backup.records)
    && isText(password?.salt, B64URL) && isText(password?.wrapped_data_key, B64URL)
    && Number.isSafeInteger(password?.iterations)
    && (recovery == null || (isText(recovery.salt, B64URL) && isText(recovery.wrapped_data_key, B64URL)))
    && backup.records.every((r) => isText(r?.id, UUID) && isText(r.type) && r.type.length > 0
      && Number.isSafeInteger(r.version) && r.version >= 1 && isText(r.envelope, B64URL)
      && isText(r.updated_at));
  if (!wellFormed) throw NOT_A_BACKUP();
  if (password.iterations < MIN_ITERATIONS || password.iterations > MAX_ITERATIONS) {
    throw new BackupError("tampered", "This backup asks for a password check Tend never uses, "
      + "so it may have been tampered with. It hasn't been opened, and nothing has been changed.");
  }
  if (new Set(backup.records.map((r) => r.id)).size !== backup.records.length) throw DAMAGED();
  return backup;
}

/** The backup's data key from her password or recovery code. */
async function backupKey(backup, secret) {
  const attempts = [];
  const { recovery, password } = backup.keys;
  if (recovery) {
    try {
      const code = parseRecoveryCode(secret);
      attempts.push(async () => {
        const { wrappingKey } = await deriveRecoveryKeys(code, b64url.decode(recovery.salt));
        return unwrapDataKey(b64url.decode(recovery.wrapped_data_key), wrappingKey);
      });
    } catch { /* not a recovery code: a password */ }
  }
  attempts.push(async () => {
    const { wrappingKey } = await deriveAccountKeys(secret, b64url.decode(password.salt), password.iterations);
    return unwrapDataKey(b64url.decode(password.wrapped_data_key), wrappingKey);
  });
  for (const attempt of attempts) {
    try {
      return await attempt();
    } catch (error) {
      if (error instanceof WrongKeyError) continue;
      if (error instanceof TypeError || error instanceof RangeError) throw DAMAGED();
      throw error;
    }
  }
  return null;
}

/**
 * Open every record in a backup.
 * @param {object} backup from readBackup
 * @param {string} secret the password or recovery code it was made with
 * @param {string} userId whoever is unlocked here (for a clearer word if it isn't theirs)
 * @returns {Promise<{records: object[], sameAccount: boolean, createdAt: string}>} records
 *   as export entries ({id, type, version, updated_at, content})
 * @throws {BackupError}
 */
export async function openBackup(backup, secret, userId) {
  const sameAccount = backup.user_id === userId;
  const dataKey = await backupKey(backup, secret);
  if (!dataKey) {
    throw new BackupError("wrong-secret", sameAccount
      ? "That password or recovery code doesn't open this backup. It opens with the password "
        + "you had when you made it, or your recovery code. Nothing has been changed."
      : "That password or recovery code doesn't open this backup. It was made with another "
        + "account: it opens with that account's password at the time, or its recovery code. "
        + "Nothing has been changed.");
  }
  let manifest;
  try {
    manifest = await openRecord(dataKey, { id: backup.backup_id, type: MANIFEST_TYPE, version: 1 }, backup.manifest);
  } catch {
    throw DAMAGED();
  }
  const listed = new Set((Array.isArray(manifest?.records) ? manifest.records : []).map((r) => JSON.stringify(r)));
  const present = new Set(backup.records.map((r) => JSON.stringify([r.id, r.type, r.version])));
  const sameMoment = Date.parse(manifest?.created_at) === Date.parse(backup.created_at);
  const matches = manifest?.user_id === backup.user_id && sameMoment && listed.size === present.size
    && backup.records.length === present.size && [...present].every((key) => listed.has(key));
  if (!matches) throw DAMAGED();
  const stored = backup.records.map((r) => ({ ...r, updatedAt: r.updated_at, deleted: false }));
  const records = await openForExport(dataKey, stored);
  if (records.some((r) => r.unreadable || !r.content || typeof r.content !== "object")) throw DAMAGED();
  return { records, sameAccount, createdAt: backup.created_at };
}

// ── restoring ────────────────────────────────────────────────────────────────────────

/** A record's id in another account: stable, so that restoring twice adds nothing. */
export async function restoredId(userId, backupUserId, id) {
  return digestId(new TextEncoder().encode(`tend v1 restored id\0${userId}\0${backupUserId}\0${id}`));
}

const sameJson = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** What restoring would do to each record: {record, id, stored, content, action}, action
    one of add (new here), back (deleted here since), merge (the plan), here (left alone),
    unknown (a kind from a newer Tend, left in the backup). */
async function plan(opened, dataKey, userId, backupUserId) {
  const ownPlanId = await planId(dataKey);
  const steps = [];
  for (const record of opened.records) {
    if (!SYNCED_TYPES.includes(record.type)) {
      // From a newer Tend: this one could neither show nor sync it. It stays in the backup.
      steps.push({ record, id: record.id, stored: null, action: "unknown", content: record.content });
      continue;
    }
    const id = record.type === "plan" && !opened.sameAccount ? ownPlanId
      : opened.sameAccount ? record.id : await restoredId(userId, backupUserId, record.id);
    const stored = await store.getRecord(id);
    const live = stored && !stored.deleted && stored.envelope;
    let action = stored ? (live ? "here" : "back") : "add";
    let content = record.content;
    if (live && record.type === "plan" && !opened.sameAccount) {
      // Her plan from another account joins the one here, section by section.
      const current = await openRecord(dataKey, stored, stored.envelope);
      const merged = mergePlans(current, record.content).plan;
      if (!sameJson(normalise(merged), normalise(current))) {
        action = "merge";
        content = { ...merged, updatedAt: new Date().toISOString() };
      }
    }
    steps.push({ record, id, stored, action, content });
  }
  return steps;
}

/**
 * What restoring this backup here would add, before anything is written.
 * @returns {Promise<{add: object[], here: object[], unknown: object[], merges: boolean}>}
 *   records (export entries); unknown: kinds this version of Tend does not know, left in
 *   the backup; merges: her plan here would be joined with the backup's
 */
export async function previewRestore(opened, backupUserId) {
  const dataKey = await unlockedKey();
  const { userId } = await keystore.loadUnlocked();
  const steps = await plan(opened, dataKey, userId, backupUserId);
  return {
    add: steps.filter((s) => !["here", "unknown"].includes(s.action)).map((s) => s.record),
    here: steps.filter((s) => s.action === "here").map((s) => s.record),
    unknown: steps.filter((s) => s.action === "unknown").map((s) => s.record),
    merges: steps.some((s) => s.action === "merge"),
  };
}

/**
 * Restore an opened backup into the unlocked account: each record sealed again with her
 * key, under its (kept or derived) id, and queued to sync. A record already here is left
 * as it is; the self-care plan from another account is merged into hers.
 * @returns {Promise<{added: number, alreadyHere: number}>}
 */
export async function restoreBackup(opened, backupUserId) {
  const dataKey = await unlockedKey();
  const { userId } = await keystore.loadUnlocked();
  const steps = await plan(opened, dataKey, userId, backupUserId);
  const changes = [];
  for (const step of steps.filter((s) => !["here", "unknown"].includes(s.action))) {
    const base = step.stored?.version ?? 0;
    const version = base + 1;
    changes.push({
      expectedVersion: base,
      record: {
        id: step.id, type: step.record.type, version, deleted: false,
        envelope: await sealRecord(dataKey, { id: step.id, type: step.record.type, version }, step.content),
        updatedAt: new Date().toISOString(),
      },
    });
  }
  try {
    if (changes.length) await store.saveRestored(changes);
  } catch (error) {
    if (!(error instanceof store.StaleRecordError)) throw error;
    throw new BackupError("moved", "Something changed here while the backup was being restored, "
      + "so nothing was restored. Please try again.");
  }
  if (changes.length) syncSoon();
  const alreadyHere = steps.filter((s) => s.action === "here").length;
  return { added: changes.length, alreadyHere };
}
