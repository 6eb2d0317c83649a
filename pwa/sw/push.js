/* Reminders in Tend's service worker (a classic script, loaded by importScripts).

   A push message carries only {kind, id, wording}: nothing personal ever travels through
   a push service or lands on a lock screen. The words live here. "discreet" (the default)
   says the same gentle thing for every kind; "named" says what the reminder is for, and
   never whose it is. A push must always show something (browsers penalise silent ones),
   so a message this worker cannot read still shows the discreet words and opens Tend. */
(function () {
  "use strict";

  const TITLE = "Tend";
  const DISCREET = "A moment for you.";
  const NAMED = {
    checkin: "How are you doing? A 30-second check-in is here when you want it.",
    "after-shift": "Shift done. A moment for you before the next thing?",
    "follow-up": "Checking in, as you asked. How are you today?",
    supervision: "Supervision is coming up. Your notes are ready when you are.",
    // For a supervisor: never who, never why.
    "talk-request": "Someone would like a word.",
    test: "Reminders are working. This is how they'll look.",
  };
  const PAGES = {
    checkin: "/checkin",
    "after-shift": "/checkin",
    "follow-up": "/checkin",
    supervision: "/supervision",
    "talk-request": "/supervisees",
    test: "/reminders",
  };
  const RENEW_URL = "/api/reminders/renew";

  /** What a push message says, or null when it is not one of Tend's. */
  function readMessage(data) {
    let message;
    try {
      message = data ? data.json() : null;
    } catch (error) {
      return null;
    }
    if (!message || typeof message !== "object" || !Object.hasOwn(PAGES, message.kind)) return null;
    const id = typeof message.id === "string" && message.id ? message.id.slice(0, 64) : "";
    return { kind: message.kind, id, wording: message.wording === "named" ? "named" : "discreet" };
  }

  /** The notification for a message (null: one this worker cannot read). */
  function notificationFor(message, icons) {
    const body = message && message.wording === "named" ? NAMED[message.kind] : DISCREET;
    return {
      title: TITLE,
      options: {
        body,
        // The same reminder sent again (after a crash, say) replaces the one shown, quietly.
        tag: (message && message.id) || "tend",
        renotify: false,
        icon: icons.icon,
        badge: icons.badge,
        lang: "en-GB",
        dir: "ltr",
        data: { url: message ? PAGES[message.kind] : "/" },
      },
    };
  }

  function b64url(buffer) {
    const bytes = new Uint8Array(buffer);
    let binary = "";
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  /** Only ever a page of Tend's own. */
  function ownUrl(path) {
    const url = new URL(typeof path === "string" ? path : "/", self.location.origin);
    return url.origin === self.location.origin ? url : new URL("/", self.location.origin);
  }

  function create({ icons }) {
    function show(data) {
      const { title, options } = notificationFor(readMessage(data), icons);
      return self.registration.showNotification(title, options);
    }

    /** Bring Tend forward on the reminder's page: an open window if there is one. */
    async function open(notification) {
      notification.close();
      const url = ownUrl(notification.data && notification.data.url);
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const client = windows.find((w) => new URL(w.url).origin === self.location.origin);
      if (!client) {
        await self.clients.openWindow(url.href);
        return;
      }
      // Focus first, while the click still allows it; then move the window to the page.
      const focused = await client.focus().catch(() => client);
      const where = new URL(focused.url);
      if (where.pathname + where.search === url.pathname + url.search) return;
      try {
        await focused.navigate(url.href);
      } catch (error) {
        // A window this worker does not control cannot be navigated: open the page instead.
        await self.clients.openWindow(url.href);
      }
    }

    /** The browser replaced the subscription: subscribe again with the same key and tell
        the server, proving it is this browser with the old endpoint and auth secret. With
        no old subscription there is nothing to prove: the page checks again on its start. */
    async function renew(oldSubscription, newSubscription) {
      if (!oldSubscription) return;
      const key = oldSubscription.options && oldSubscription.options.applicationServerKey;
      const fresh = newSubscription || await self.registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: key,
      });
      const old = oldSubscription.toJSON();
      const subscription = fresh.toJSON();
      const body = {
        old_endpoint: old.endpoint,
        old_auth: old.keys.auth,
        subscription: {
          endpoint: subscription.endpoint,
          keys: subscription.keys,
          server_key: key ? b64url(key) : null,
        },
      };
      const response = await fetch(RENEW_URL, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body),
        credentials: "omit",
        cache: "no-store",
      });
      if (!response.ok) throw new Error(`renewing the subscription failed: ${response.status}`);
    }

    return { show, open, renew };
  }

  self.TendPush = { create, readMessage, notificationFor };
})();
