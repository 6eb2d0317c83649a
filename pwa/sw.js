/* Tend's service worker: wires events only; the strategies live in sw/strategies.js and the
   reminders in sw/push.js. The server fills in BUILD (version and precache list, derived from
   the files in pwa/), so this file's bytes change with every build and browsers notice the
   new version. */
const BUILD = {{BUILD_JSON}};
const STRATEGIES_URL = "{{ASSET_ROOT}}/sw/strategies.js";
const PUSH_URL = "{{ASSET_ROOT}}/sw/push.js";
const SCRIPT_URLS = [STRATEGIES_URL, PUSH_URL];

// The worker's CSP requires Trusted Types too: this policy vouches for these URLs only.
const scripts = self.trustedTypes
  ? self.trustedTypes.createPolicy("tend", {
    createScriptURL(url) {
      if (!SCRIPT_URLS.includes(url)) throw new TypeError(`Untrusted script URL: ${url}`);
      return url;
    },
  })
  : null;
importScripts(...SCRIPT_URLS.map((url) => (scripts ? scripts.createScriptURL(url) : url)));

const strategies = self.TendStrategies.create(BUILD);
const reminders = self.TendPush.create({
  icons: { icon: "{{ASSET_ROOT}}/icons/icon-192.png", badge: "{{ASSET_ROOT}}/icons/icon-192.png" },
});

self.addEventListener("install", (event) => {
  event.waitUntil(strategies.precache());
});

self.addEventListener("activate", (event) => {
  event.waitUntil(strategies.removeOldCaches().then(() => self.clients.claim()));
});

self.addEventListener("message", (event) => {
  const type = event.data && event.data.type;
  if (type === "SKIP_WAITING") {
    self.skipWaiting();
  } else if (type === "CLAIM") {
    event.waitUntil(self.clients.claim());
  } else if (type === "GET_VERSION" && event.ports[0]) {
    event.ports[0].postMessage({ version: BUILD.version });
  }
});

self.addEventListener("fetch", (event) => {
  const response = strategies.handle(event.request);
  if (response) event.respondWith(response);
});

// Background Sync: the page keeps the CSRF token and the data key in memory, so the
// worker only wakes any open Tend page to sync (with none open, the next start syncs).
self.addEventListener("sync", (event) => {
  if (event.tag !== "tend-sync") return;
  event.waitUntil(self.clients.matchAll({ type: "window" }).then((clients) => {
    for (const client of clients) client.postMessage({ type: "tend-sync" });
  }));
});

// Reminders (sw/push.js): the message says only which kind; the words are in this worker.
self.addEventListener("push", (event) => {
  event.waitUntil(reminders.show(event.data));
});

self.addEventListener("notificationclick", (event) => {
  event.waitUntil(reminders.open(event.notification));
});

self.addEventListener("pushsubscriptionchange", (event) => {
  event.waitUntil(reminders.renew(event.oldSubscription, event.newSubscription));
});
