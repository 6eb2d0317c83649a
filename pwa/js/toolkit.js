/* The organisation's own toolkit: its support resources (already chosen for her team, in
   the admin's order), and the journal prompts and feeling words it offers beside Tend's.

   None of it is personal, but it is her organisation's: it is kept on this device in the
   Cache API ("tend-toolkit"), stamped with whose it is, so that /support shows it offline
   and while Tend is locked. Signing out deletes every cache (session.clearDevice), and a
   copy stamped for someone else is never shown. It is fetched again after every sync
   (sync.js) and whenever /support opens with a connection.

   Links are made here, on the device, from values checked here too: a phone or text number
   becomes tel:/sms: only from digits and a leading +, a website a link only if it is http
   or https. Whatever the server sends, no other kind of link can come out. */
import { get } from "./api.js";
import * as keystore from "./keystore.js";
import { useOrganisationLibrary } from "./prompts.js";
import { current } from "./session.js";

const CACHE = "tend-toolkit";
const KEY = "/tend-toolkit.json"; // the cache's own key: never fetched from the server

export const EMPTY = Object.freeze({ resources: [], prompts: [], feelings: [] });

/** "change" {toolkit}: a fresh copy arrived (an open /support page redraws). */
export const toolkitEvents = new EventTarget();

// ── safe links ───────────────────────────────────────────────────────────────────────

/** A number as dialled: digits with an optional leading +, or null if it is not one. */
export function dialable(value) {
  if (typeof value !== "string") return null;
  // "+44 (0)800 …" is dialled without the 0 in brackets.
  const compact = value.trim().replace(/^(\+[\d\s]+)\(\s*0\s*\)/, "$1").replace(/[\s().-]/g, "");
  return /^\+?\d{3,15}$/.test(compact) ? compact : null;
}

/** tel: for a phone number, or null. */
export function telHref(value) {
  const number = dialable(value);
  return number ? `tel:${number}` : null;
}

/** sms: for a text number, or null. */
export function smsHref(value) {
  const number = dialable(value);
  return number ? `sms:${number}` : null;
}

/** The address of an http(s) website with no name or password in it, or null. */
export function webHref(value) {
  if (typeof value !== "string" || !value.trim()) return null;
  let url;
  try {
    url = new URL(value.trim());
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  if (url.username || url.password) return null;
  return url.href;
}

// ── what the server sends, made safe to keep and show ────────────────────────────────

function words(value, limit) {
  return typeof value === "string" ? value.trim().slice(0, limit) : "";
}

function listOf(value) {
  return Array.isArray(value) ? value.filter((item) => item && typeof item === "object") : [];
}

/** Only the fields Tend shows, as plain text; anything malformed is left out. */
export function normalise(body) {
  return {
    resources: listOf(body?.resources).map((r) => ({
      id: String(r.id ?? ""),
      name: words(r.name, 120),
      description: words(r.description, 1000),
      phone: words(r.phone, 40) || null,
      text: words(r.text, 40) || null,
      web: words(r.web, 500) || null,
      hours: words(r.hours, 200),
    })).filter((r) => r.id && r.name),
    prompts: listOf(body?.prompts).map((p) => ({
      id: String(p.id ?? ""),
      moment: words(p.moment, 60),
      text: words(p.text, 500),
      retired: Boolean(p.retired),
    })).filter((p) => p.id && p.text),
    feelings: listOf(body?.feelings).map((f) => ({
      id: String(f.id ?? ""),
      word: words(f.word, 40),
      retired: Boolean(f.retired),
    })).filter((f) => f.id && f.word),
  };
}

// ── kept on this device ──────────────────────────────────────────────────────────────

/** Whose toolkit this device may show: the person signed in here (locked too), or null. */
async function personHere() {
  const { status, me, leaving } = current();
  if (status === "signed-out" || leaving) return null;
  if (me) return me.id;
  try {
    return (await keystore.loadWrapped())?.userId ?? null;
  } catch {
    return null;
  }
}

async function readKept() {
  if (!self.caches) return null;
  try {
    const response = await caches.match(KEY, { cacheName: CACHE });
    return response ? await response.json() : null;
  } catch {
    return null;
  }
}

async function keep(userId, toolkit) {
  if (!self.caches) return;
  const cache = await caches.open(CACHE);
  await cache.put(KEY, new Response(JSON.stringify({ userId, toolkit }), {
    headers: { "Content-Type": "application/json" },
  }));
  // Signing out may have cleared the caches while this was being written: then it goes.
  if ((await personHere()) !== userId) await caches.delete(CACHE);
}

function use(toolkit) {
  useOrganisationLibrary(toolkit);
  return toolkit;
}

/**
 * The toolkit kept on this device for whoever is signed in here (EMPTY for nobody, or
 * before the first sync). Never fails: at worst there is nothing from the organisation.
 * It also makes the organisation's prompts and words known to prompts.js.
 */
export async function loadToolkit() {
  const userId = await personHere();
  const kept = userId ? await readKept() : null;
  return use(kept && kept.userId === userId ? normalise(kept.toolkit) : EMPTY);
}

/**
 * Fetch the toolkit, keep it on this device and say so ("change"). Rejects when the
 * server can't be reached (OfflineError) or refuses; what is kept stays as it was.
 */
export async function refreshToolkit() {
  const userId = await personHere();
  if (!userId) return EMPTY;
  const toolkit = normalise(await get("/api/toolkit"));
  // Signed out (or someone else signed in) while it was on its way: keep nothing.
  if ((await personHere()) !== userId) return EMPTY;
  await keep(userId, toolkit);
  use(toolkit);
  toolkitEvents.dispatchEvent(new CustomEvent("change", { detail: { toolkit } }));
  return toolkit;
}
