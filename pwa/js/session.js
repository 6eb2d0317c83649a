/* Who is signed in on this device, and whether their data key is unlocked.

   States: "signed-out" (nobody), "locked" (a session, but the key must be unlocked with
   the password), "unlocked" (the non-extractable data key is in IndexedDB, ready).
   Every key operation happens here, in the browser: the server only ever receives
   derived keys and wrapped keys (see docs/keys.md). */
import { ApiError, OfflineError, get, post, put, setCsrfToken } from "./api.js";
import {
  DEFAULT_ITERATIONS, accountKeyMaterial, b64url, deriveAccountKeys, deriveRecoveryKeys, generateDataKey,
  parseRecoveryCode, recoveryKeyMaterial, toNonExtractable, unwrapDataKey,
} from "./crypto.js";
import * as keystore from "./keystore.js";

/** Refuse key parameters weaker than Tend ever makes: a tampered server must not be able
    to make the browser stretch a password less. */
function checked(params) {
  if (!Number.isInteger(params.iterations) || params.iterations < DEFAULT_ITERATIONS) {
    throw new Error("Tend received unsafe sign-in settings from the server, so it stopped.");
  }
  return params;
}

const state = { status: "signed-out", me: null, offline: false };
const listeners = new Set();

export function current() {
  return state;
}

/** Be told whenever the state changes (sign in, lock, sign out). */
export function onChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function update(changes) {
  Object.assign(state, changes);
  for (const listener of listeners) listener(state);
}

export function hasRole(role) {
  return Boolean(state.me && state.me.roles.includes(role));
}

/** Why this device was cleared, when the account it was signed in to is gone. */
export const ENDED_WORDS = Object.freeze({
  account_deleted: "The Tend account used on this device has been deleted, so Tend has "
    + "cleared everything it kept here.",
});

/** The account is gone (`reason`: "account_deleted"): signed out, and the first page
    says why this device was cleared. */
export function endedHere(reason) {
  setCsrfToken("");
  update({ status: "signed-out", me: null, offline: false, ended: reason });
}

let ending = null;

/** Clear this device because its account is gone; once, however many calls find out. */
function accountEnded(reason) {
  ending ??= clearDevice().catch(() => {}).then(() => endedHere(reason)).finally(() => { ending = null; });
  return ending;
}

// Any API call answered "account_deleted" (a device left open, or resumed) clears it.
addEventListener("tend:account-ended", (event) => accountEnded(event.detail));

/** At start: ask the server who is signed in; offline, trust what this device holds. */
export async function restore() {
  try {
    const session = await get("/api/session");
    if (session.ended === "account_deleted") {
      // Her account was deleted (here or on another device): nothing of it may stay.
      await accountEnded("account_deleted");
      return state;
    }
    if (!session.me) {
      // Signed out elsewhere (another device, a new password, a closed account): the key
      // is put away here too; its wrapped copy stays for when she signs in again.
      if (await keystore.loadUnlocked()) await keystore.lock();
      update({ status: "signed-out", me: null, offline: false });
      return state;
    }
    setCsrfToken(session.csrf_token);
    const unlocked = await keystore.loadUnlocked();
    if (unlocked && unlocked.userId !== session.me.id) await keystore.clearAll();
    const mine = unlocked && unlocked.userId === session.me.id;
    update({ status: mine ? "unlocked" : "locked", me: session.me, offline: false });
  } catch (error) {
    if (error instanceof OfflineError) {
      const unlocked = await keystore.loadUnlocked();
      const wrapped = unlocked ? null : await keystore.loadWrapped();
      const status = unlocked ? "unlocked" : wrapped ? "locked" : "signed-out";
      update({ status, me: null, offline: true });
    } else {
      throw error;
    }
  }
  return state;
}

async function keep(me, dataKey, material) {
  await keystore.saveUnlocked({
    userId: me.id,
    dataKey,
    salt: material.salt,
    iterations: material.iterations,
    wrappedDataKey: material.wrapped_data_key,
  });
}

function started(body) {
  setCsrfToken(body.csrf_token);
  update({ status: "unlocked", me: body.me, offline: false, ended: null, leaving: false });
  return body;
}

/**
 * Create an account (set-up or invitation): a new data key, wrapped by the password and
 * by a new recovery code. Returns the recovery code, to be shown once.
 * @param {(keys: {password: object, recovery: object}) => Promise<object>} send
 *   posts the request with the key material and returns the API's session body
 */
export async function createAccount(password, send) {
  const dataKey = await generateDataKey();
  const material = await accountKeyMaterial(password, dataKey);
  const recovery = await recoveryKeyMaterial(dataKey);
  const body = await send({ password: material, recovery: recovery.material });
  await keystore.clearAll();
  await keep(body.me, await toNonExtractable(dataKey), material);
  started(body);
  return recovery.code;
}

/** Sign in: derive the keys from the password, prove the one, unwrap with the other. */
export async function signIn(email, password) {
  const params = checked(await post("/api/auth/params", { email }));
  const { authKey, wrappingKey } = await deriveAccountKeys(
    password, b64url.decode(params.salt), params.iterations,
  );
  const body = await post("/api/auth/sign-in", { email, auth_key: b64url.encode(authKey) });
  const dataKey = await unwrapDataKey(b64url.decode(body.keys.wrapped_data_key), wrappingKey);
  const previous = await keystore.loadWrapped();
  if (previous && previous.userId !== body.me.id) await keystore.clearAll();
  await keep(body.me, dataKey, body.keys);
  return started(body);
}

/** Unlock the data key with the password; works offline once this device has signed in. */
export async function unlock(password) {
  const wrapped = await keystore.loadWrapped();
  if (wrapped && (!state.me || wrapped.userId === state.me.id)) {
    await keystore.unlockWithPassword(password);
  } else {
    const keys = checked(await get("/api/account/keys"));
    const { wrappingKey } = await deriveAccountKeys(
      password, b64url.decode(keys.salt), keys.iterations,
    );
    const dataKey = await unwrapDataKey(b64url.decode(keys.wrapped_data_key), wrappingKey);
    await keep(state.me, dataKey, keys);
  }
  update({ status: "unlocked" });
}

/** Forget the data key on this device until the password is entered again. */
export async function lock() {
  await keystore.lock();
  update({ status: "locked" });
}

/** The data key, extractable for a moment, if the password is right (for re-wrapping). */
async function withCurrentPassword(password) {
  const keys = checked(await get("/api/account/keys"));
  const { authKey, wrappingKey } = await deriveAccountKeys(
    password, b64url.decode(keys.salt), keys.iterations,
  );
  const dataKey = await unwrapDataKey(
    b64url.decode(keys.wrapped_data_key), wrappingKey, { extractable: true },
  );
  return { dataKey, currentAuthKey: b64url.encode(authKey) };
}

/** New password: the same data key, wrapped anew. Other devices are signed out. */
export async function changePassword(currentPassword, newPassword) {
  const { dataKey, currentAuthKey } = await withCurrentPassword(currentPassword);
  const material = await accountKeyMaterial(newPassword, dataKey);
  await put("/api/account/password", { current_auth_key: currentAuthKey, password: material });
  await keep(state.me, await toNonExtractable(dataKey), material);
}

/** A new recovery code (the old one stops working); returns it, to be shown once. */
export async function newRecoveryCode(password) {
  const { dataKey, currentAuthKey } = await withCurrentPassword(password);
  const recovery = await recoveryKeyMaterial(dataKey);
  await put("/api/account/recovery", {
    current_auth_key: currentAuthKey, recovery: recovery.material,
  });
  return recovery.code;
}

/** Forgotten password: the recovery code unwraps the data key; a new password wraps it. */
export async function recover(email, code, newPassword) {
  const codeBytes = parseRecoveryCode(code);
  const params = await post("/api/auth/recovery/params", { email });
  const { authKey, wrappingKey } = await deriveRecoveryKeys(codeBytes, b64url.decode(params.salt));
  codeBytes.fill(0);
  const grant = await post("/api/auth/recovery", { email, auth_key: b64url.encode(authKey) });
  const dataKey = await unwrapDataKey(
    b64url.decode(grant.wrapped_data_key), wrappingKey, { extractable: true },
  );
  const material = await accountKeyMaterial(newPassword, dataKey);
  const body = await post("/api/auth/recovery/complete", {
    recovery_token: grant.recovery_token, password: material,
  });
  await keystore.clearAll();
  await keep(body.me, await toNonExtractable(dataKey), material);
  return started(body);
}

/** Reminders for her must stop reaching this browser once she has gone: the server
    forgets this device and the browser its push subscription, while the session still
    works. Best effort; only no connection at all stops sign-out (it needs one anyway). */
async function forgetPushHere() {
  try {
    const push = await import("./push.js");
    await push.forgetHere();
  } catch (error) {
    if (error instanceof OfflineError) throw error;
    console.warn("Tend could not turn off reminders on this device:", error);
  }
}

/** Sign out: end the session on the server, then clear everything Tend keeps here.
    A session the server had already ended (401) still clears this device; only no
    connection at all stops it, so that the server session is never left behind. */
export async function signOut() {
  await forgetPushHere();
  // Under sync's own lock (sync.js), so that no sync is half-way when the session ends
  // (it would meet a 401) and none starts before the key is gone.
  const leave = async () => {
    try {
      await post("/api/auth/sign-out");
    } catch (error) {
      if (!(error instanceof ApiError && [401, 403].includes(error.status))) throw error;
    }
    await clearDevice();
  };
  await (navigator.locks?.request ? navigator.locks.request("tend-sync", leave) : leave());
  setCsrfToken("");
  update({ status: "signed-out", me: null });
}

/** Delete this origin's IndexedDB databases and caches (the server also sends
    Clear-Site-Data; this does not depend on the browser honouring it). Each step is tried
    whatever happens to the others: the browser may be clearing the same things at the
    same moment, and one of them failing must not leave the rest behind. */
export async function clearDevice() {
  // From now on nothing may be kept for whoever was here (a sync or toolkit refresh still
  // on its way checks this), until someone signs in again.
  state.leaving = true;
  localStorage.clear(); // only the reflection's questionnaire lives there, but all goes
  const attempts = [keystore.clearAll()];
  if (indexedDB.databases) {
    attempts.push(indexedDB.databases().then((databases) => Promise.allSettled(
      databases.map((db) => new Promise((resolve) => {
        const request = indexedDB.deleteDatabase(db.name);
        request.onsuccess = request.onerror = request.onblocked = () => resolve();
      })),
    )));
  }
  if (self.caches) {
    attempts.push(caches.keys().then((names) => Promise.allSettled(
      names.map((name) => caches.delete(name)),
    )));
  }
  // A deletion waits while the browser's own clearing (Clear-Site-Data) holds the database;
  // do not let that keep her from being signed out.
  const patience = (attempt) => Promise.race([
    attempt,
    new Promise((resolve, reject) => {
      setTimeout(() => reject(new Error("still clearing after 3 seconds")), 3000);
    }),
  ]);
  const settled = await Promise.allSettled(attempts.map(patience));
  const failures = settled.filter((r) => r.status === "rejected");
  for (const failure of failures) console.warn("Tend could not clear part of this device:", failure.reason);
}
