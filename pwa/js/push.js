/* Reminders on this phone: whether it can have them, turning them on (only ever from a
   tap: the browser's permission prompt must never appear by surprise), turning them off,
   and keeping the subscription in step with the server quietly on each start.

   The server keeps only what it needs to send (the subscription's endpoint and keys); a
   push message says which kind of reminder it is, never anything about her. */
import { ApiError, OfflineError, del, get, post } from "./api.js";
import { b64url } from "./crypto.js";

const DEVICES = "/api/reminders/devices";
// The id of this browser's device in the server's list, so that a start can tell "she
// signed in again" (register it again) from "she removed this phone elsewhere" (respect it).
const REMEMBERED = "tend-push-device";
const READY_WAIT_MS = 10_000;

/** A reason this phone could not turn reminders on, fit to show her. */
export class PushError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "PushError";
    this.code = code;
  }
}

function isAppleMobile() {
  const ua = navigator.userAgent || "";
  // iPadOS presents itself as a Mac; a Mac has no touch screen.
  return /iPhone|iPad|iPod/.test(ua) || (/Macintosh/.test(ua) && navigator.maxTouchPoints > 1);
}

function isInstalled() {
  return navigator.standalone === true
    || window.matchMedia?.("(display-mode: standalone)").matches
    || window.matchMedia?.("(display-mode: fullscreen)").matches;
}

/**
 * What this browser can do about reminders:
 * "ok" (can ask), "denied" (she blocked notifications for Tend in this browser),
 * "ios-needs-install" (iPhone or iPad: only a Home Screen app can have them, iOS 16.4+),
 * "unsupported" (this browser has no web push).
 * @returns {"ok"|"denied"|"ios-needs-install"|"unsupported"}
 */
export function pushSupport() {
  if (isAppleMobile() && !isInstalled()) return "ios-needs-install";
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    return "unsupported";
  }
  if (Notification.permission === "denied") return "denied";
  return "ok";
}

/** The service worker's registration, once it is running (it is registered at start). */
async function registration() {
  const existing = await navigator.serviceWorker.getRegistration();
  if (existing?.active) return existing;
  let timer;
  const late = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new PushError("no-worker",
      "Tend isn't fully set up on this phone yet. Please reload the page and try again.")), READY_WAIT_MS);
  });
  try {
    return await Promise.race([navigator.serviceWorker.ready, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** This browser's push subscription, if it has one (never asks for anything). */
export async function currentSubscription() {
  if (pushSupport() === "unsupported" || pushSupport() === "ios-needs-install") return null;
  const existing = await navigator.serviceWorker.getRegistration();
  return existing ? existing.pushManager.getSubscription() : null;
}

/** The applicationServerKey a subscription was made with, as the server writes it. */
function keyOf(subscription) {
  const key = subscription?.options?.applicationServerKey;
  return key ? b64url.encode(new Uint8Array(key)) : null;
}

async function subscribe(reg, publicKey) {
  try {
    return await reg.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: b64url.decode(publicKey),
    });
  } catch (error) {
    if (Notification.permission === "denied") {
      throw new PushError("denied", "Notifications for Tend are blocked in this browser.");
    }
    throw new PushError("subscribe",
      "This phone couldn't set up reminders just now. Please try again in a little while.");
  }
}

/** Tell the server the old subscription is now this one (same device, same id); then its
    record of this browser is brought up to date by registering it. */
async function replace(reg, old, publicKey) {
  const oldJson = old.toJSON();
  await old.unsubscribe().catch(() => false);
  const fresh = await subscribe(reg, publicKey);
  const json = fresh.toJSON();
  await post("/api/reminders/renew", {
    old_endpoint: oldJson.endpoint,
    old_auth: oldJson.keys.auth,
    subscription: { endpoint: json.endpoint, keys: json.keys, server_key: publicKey },
  }).catch(() => null); // unknown to the server (404): registering it below is enough
  return fresh;
}

/** Send this browser's subscription to the server; a key the server has retired (409) is
    replaced once with the server's current key. Returns the server's record of it. */
async function register(reg, subscription, publicKey) {
  const send = (sub, key) => post(DEVICES, { ...sub.toJSON(), server_key: key });
  let device;
  try {
    device = await send(subscription, publicKey);
  } catch (error) {
    if (!(error instanceof ApiError && error.code === "stale_server_key")) throw error;
    const { public_key: fresh } = await get("/api/reminders");
    device = await send(await replace(reg, subscription, fresh), fresh);
  }
  remember(device.id);
  return device;
}

function remember(id) {
  try {
    if (id) localStorage.setItem(REMEMBERED, id);
    else localStorage.removeItem(REMEMBERED);
  } catch (error) {
    // Storage may be unavailable (a private window): only the start-up check is less sure.
  }
}

function remembered() {
  try {
    return localStorage.getItem(REMEMBERED);
  } catch (error) {
    return null;
  }
}

/**
 * Turn reminders on for this browser. Call it straight from a tap: the permission prompt
 * needs one. Resolves to the server's record of this device.
 * @param {string} publicKey the server's applicationServerKey (GET /api/reminders)
 * @throws {PushError|ApiError|OfflineError}
 */
export async function turnOn(publicKey) {
  const support = pushSupport();
  if (support === "ios-needs-install" || support === "unsupported") {
    throw new PushError(support, "This browser can't show reminders.");
  }
  // First, with nothing awaited before it: the browser allows the prompt only from a tap.
  const permission = await Notification.requestPermission();
  if (permission === "denied") {
    throw new PushError("denied", "Notifications for Tend are blocked in this browser.");
  }
  if (permission !== "granted") {
    throw new PushError("dismissed", "No problem. You can turn reminders on here whenever you like.");
  }
  const reg = await registration();
  let subscription = await reg.pushManager.getSubscription();
  if (subscription && keyOf(subscription) !== publicKey) {
    subscription = await replace(reg, subscription, publicKey);
  } else if (!subscription) {
    subscription = await subscribe(reg, publicKey);
  }
  return register(reg, subscription, publicKey);
}

/**
 * Turn reminders off for this browser: the server forgets the device, then the browser
 * forgets the subscription (even if the server had already forgotten it).
 * @param {string} deviceId this browser's device id in the server's list
 */
export async function turnOffHere(deviceId) {
  try {
    await del(`${DEVICES}/${deviceId}`);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
  }
  remember(null);
  const subscription = await currentSubscription().catch(() => null);
  await subscription?.unsubscribe().catch(() => false);
}

/**
 * On start (signed in, online, permission already granted): keep this browser's
 * subscription in step with the server, quietly — it never prompts.
 * - made with a key the server no longer uses: subscribe again with the current key;
 * - the server lists this device for an older session (she signed in again), or this
 *   browser never noted which device it is: register it again (the server matches it by
 *   its endpoint, so this never makes a second one);
 * - the server has no record of the device this browser registered (she removed this
 *   phone from another device): respect that, and forget the subscription here too.
 * @returns {Promise<string>} what it did, for tests and logs
 */
export async function checkSubscription() {
  if (pushSupport() !== "ok" || Notification.permission !== "granted" || !navigator.onLine) return "skipped";
  const reg = await navigator.serviceWorker.getRegistration();
  const subscription = reg ? await reg.pushManager.getSubscription() : null;
  if (!subscription) return "none";
  const read = await get("/api/reminders");
  const mine = remembered();
  const listed = read.devices.find((d) => d.id === mine);
  if (mine && !listed) {
    remember(null);
    await subscription.unsubscribe().catch(() => false);
    return "removed";
  }
  if (keyOf(subscription) !== read.public_key) {
    await register(reg, await replace(reg, subscription, read.public_key), read.public_key);
    return "renewed";
  }
  if (!listed?.this_device) {
    await register(reg, subscription, read.public_key);
    return "registered";
  }
  return "ok";
}

/** At sign-out (while the session still works): the server forgets this browser's device
    and the browser its subscription, so that no reminder for her reaches this phone once
    she has gone. Best effort, except that no connection at all is reported (sign-out
    needs one anyway). */
export async function forgetHere() {
  const subscription = await currentSubscription().catch(() => null);
  if (!subscription) return;
  try {
    const read = await get("/api/reminders");
    const mine = remembered();
    const device = read.devices.find((d) => d.id === mine) || read.devices.find((d) => d.this_device);
    if (device) await del(`${DEVICES}/${device.id}`);
  } catch (error) {
    // A session already ended (401) can't remove the device: the push service will tell
    // the server this subscription is gone the next time it sends.
    if (error instanceof OfflineError) throw error;
  }
  remember(null);
  await subscription.unsubscribe().catch(() => false);
}
