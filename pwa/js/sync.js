/* Sync: push this device's outbox, then pull what changed elsewhere (docs/sync.md).

   Only envelopes travel; the data key is needed only to settle a conflict, when the local
   text is kept as a "conflicting copy" (a new record) and the server's version becomes the
   local one, so no text is ever lost. One sync at a time: in this tab a module-level
   promise, across tabs the Web Lock "tend-sync".

   syncEvents: "status" {pending, syncing, lastError}, "conflict" {recordId, copyId,
   deleted}, "changed" {ids}, "error" {message, status}. */
import { ApiError, OfflineError, get, post } from "./api.js";
import * as keystore from "./keystore.js";
import { openRecord, newRecordId, sealRecord } from "./records.js";
import * as session from "./session.js";
import * as store from "./store.js";
import { refreshToolkit } from "./toolkit.js";

export const syncEvents = new EventTarget();

const BATCH = 100;
const PAGE = 200;
const INTERVAL_MS = 60_000;
const CONFLICT_SUFFIX = " (conflicting copy)";

const status = { pending: 0, syncing: false, lastError: null };

function emit(type, detail) {
  syncEvents.dispatchEvent(new CustomEvent(type, { detail }));
}

async function announce(changes = {}) {
  Object.assign(status, changes);
  try {
    status.pending = await store.outboxCount();
  } catch {
    // the database is being deleted (sign-out): nothing is pending any more
    status.pending = 0;
  }
  emit("status", { ...status });
}

/** @returns {Promise<number>} changes on this device the server has not acknowledged */
export async function pendingCount() {
  const unlocked = await keystore.loadUnlocked();
  if (!unlocked) return 0;
  await store.bind(unlocked.userId);
  return store.outboxCount();
}

/** The latest sync status (also sent as "status" events). */
export function syncStatus() {
  return { ...status };
}

/** The record as this device keeps it, from the server's shape. */
function fromServer(state) {
  return {
    id: state.record_id,
    type: state.type,
    version: state.version,
    deleted: state.deleted,
    envelope: state.ciphertext,
    updatedAt: state.updated_at,
  };
}

/** A session to push with: after an offline start the CSRF token is not known yet. */
async function ensureSession() {
  if (session.current().me) return true;
  await session.restore();
  return Boolean(session.current().me) && session.current().status === "unlocked";
}

/** The local text of a conflicting record, kept as a new record (null if nothing to keep). */
async function conflictingCopy(dataKey, recordId) {
  const local = await store.getRecord(recordId);
  if (!local || local.deleted || !local.envelope) return null;
  let content;
  try {
    content = await openRecord(dataKey, local, local.envelope);
  } catch {
    return null; // unreadable here too: nothing readable to keep
  }
  if (!content || typeof content !== "object") content = { body: String(content) };
  const id = newRecordId();
  const title = content.title ? `${content.title}${CONFLICT_SUFFIX}` : CONFLICT_SUFFIX.trim();
  const copy = { ...content, title, conflictOf: recordId, updatedAt: new Date().toISOString() };
  const envelope = await sealRecord(dataKey, { id, type: local.type, version: 1 }, copy);
  return {
    id, type: local.type, version: 1, deleted: false, envelope,
    updatedAt: new Date().toISOString(),
  };
}

/** Push the outbox until it is empty or the server says stop. */
async function push(dataKey, summary) {
  for (;;) {
    const pending = await store.outbox();
    if (!pending.length) return;
    // At most one change per record a batch: a later change to the same record waits
    // until the earlier one is settled, so it can never apply on top of a conflict.
    const batch = [];
    const seen = new Set();
    for (const mutation of pending) {
      if (seen.has(mutation.recordId)) continue;
      seen.add(mutation.recordId);
      batch.push(mutation);
      if (batch.length === BATCH) break;
    }
    const answer = await post("/api/sync/push", {
      mutations: batch.map((m) => ({
        mutation_id: m.mutationId,
        record_id: m.recordId,
        type: m.type,
        base_version: m.baseVersion,
        deleted: m.deleted,
        ciphertext: m.deleted ? null : m.envelope,
      })),
    });
    const acknowledged = [];
    const conflicts = [];
    for (const result of answer.results) {
      if (result.status === "applied" || result.status === "duplicate") {
        acknowledged.push(result.mutation_id);
      } else if (result.status === "conflict") {
        conflicts.push(result);
      }
    }
    await store.removeMutations(acknowledged);
    summary.pushed += acknowledged.length;
    const restored = new Set(batch.filter((m) => m.restored).map((m) => m.mutationId));
    for (const conflict of conflicts) {
      const server = conflict.current ? fromServer(conflict.current) : null;
      if (restored.has(conflict.mutation_id)) {
        // Restored from a backup, but the server already has this record (another device
        // restored it first, or it had not reached this one yet): the server's stays, and
        // nothing is doubled.
        await store.resolveConflict(conflict.record_id, server, null);
        emit("changed", { ids: [conflict.record_id] });
        continue;
      }
      const copy = await conflictingCopy(dataKey, conflict.record_id);
      await store.resolveConflict(conflict.record_id, server, copy);
      summary.conflicts += 1;
      emit("conflict", {
        recordId: conflict.record_id,
        copyId: copy?.id ?? null,
        deleted: Boolean(server?.deleted),
      });
      emit("changed", { ids: [conflict.record_id, ...(copy ? [copy.id] : [])] });
    }
  }
}

/** Pull every page after the stored cursor. */
async function pull(summary) {
  let cursor = (await store.getMeta("cursor")) ?? "";
  for (;;) {
    const query = new URLSearchParams({ cursor, limit: String(PAGE) });
    let page;
    try {
      page = await get(`/api/sync/changes?${query}`);
    } catch (error) {
      if (error instanceof ApiError && error.code === "bad_cursor" && cursor) {
        cursor = ""; // a cursor from another server (or database): start again
        continue;
      }
      throw error;
    }
    const records = page.changes.map(fromServer);
    const changed = await store.applyPulled(records, page.cursor);
    summary.pulled += changed;
    if (changed) emit("changed", { ids: records.map((r) => r.id) });
    cursor = page.cursor;
    if (!page.more) return;
  }
}

async function runOnce() {
  const summary = { pushed: 0, pulled: 0, conflicts: 0, error: null, skipped: null };
  const unlocked = await keystore.loadUnlocked();
  if (!unlocked) {
    summary.skipped = "locked";
    return summary;
  }
  await store.bind(unlocked.userId);
  if (navigator.onLine === false) {
    summary.error = new OfflineError().message;
    await announce({ syncing: false, lastError: summary.error });
    return summary;
  }
  await announce({ syncing: true });
  try {
    if (!(await ensureSession())) {
      summary.skipped = "signed-out";
      await announce({ syncing: false });
      return summary;
    }
    try {
      await push(unlocked.dataKey, summary);
    } catch (error) {
      if (error instanceof ApiError && error.code === "csrf_failed") {
        await session.restore();
        await push(unlocked.dataKey, summary);
      } else {
        throw error;
      }
    }
  } catch (error) {
    summary.error = error.message;
    if (error instanceof ApiError && [404, 413, 422].includes(error.status)) {
      // Nothing of the batch was applied; the outbox stays as it is, safe on this device.
      emit("error", { message: error.message, status: error.status, code: error.code });
    } else if (!(error instanceof ApiError || error instanceof OfflineError)) {
      await announce({ syncing: false, lastError: error.message });
      throw error;
    }
    if (error instanceof OfflineError || (error instanceof ApiError && error.status === 401)) {
      await announce({ syncing: false, lastError: error.message });
      return summary;
    }
  }
  try {
    await pull(summary);
  } catch (error) {
    summary.error ??= error.message;
    if (!(error instanceof ApiError || error instanceof OfflineError)) {
      await announce({ syncing: false, lastError: error.message });
      throw error;
    }
  }
  await announce({ syncing: false, lastError: summary.error });
  // The organisation's support resources and prompts follow each good sync (toolkit.js).
  if (!summary.error) await refreshToolkit().catch(() => {});
  return summary;
}

function locked(work) {
  if (navigator.locks?.request) return navigator.locks.request("tend-sync", work);
  return work();
}

let running = null;
let queued = null;

/**
 * Push the outbox, then pull. If a sync is already running, one more runs after it (so a
 * change saved meanwhile is not left behind) and this resolves when that one ends.
 *
 * @returns {Promise<{pushed: number, pulled: number, conflicts: number,
 *   error: string|null, skipped: string|null}>}
 */
export function syncNow() {
  if (running) {
    queued ??= running.catch(() => {}).then(() => {
      queued = null;
      return syncNow();
    });
    return queued;
  }
  running = (async () => {
    try {
      return await locked(runOnce);
    } finally {
      running = null;
    }
  })();
  return running;
}

function syncQuietly() {
  syncNow().catch((error) => console.warn("Tend could not sync:", error));
}

/** After a change on this device: sync in the background (failures are reported as
    status, never thrown), and ask for Background Sync in case the app closes first. */
export function syncSoon() {
  syncQuietly();
  requestBackgroundSync();
}

/** Ask the browser to wake the service worker ("sync" event, tag "tend-sync") once there
    is a connection, where Background Sync exists. */
export function requestBackgroundSync() {
  if (!("serviceWorker" in navigator) || !navigator.serviceWorker.controller) return;
  navigator.serviceWorker.ready
    .then((registration) => registration.sync?.register("tend-sync"))
    .catch(() => {});
}

let started = false;

/** Start syncing: now, when the connection returns, every minute while visible, when the
    app becomes visible again, and when the service worker says so. Safe to call twice. */
export function startSync() {
  if (started) return;
  started = true;
  window.addEventListener("online", syncQuietly);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") syncQuietly();
  });
  setInterval(() => {
    if (document.visibilityState === "visible" && navigator.onLine) syncQuietly();
  }, INTERVAL_MS);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data?.type === "tend-sync") syncQuietly();
    });
  }
  syncSoon();
}
