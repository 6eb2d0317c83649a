/* Caching strategies for Tend's service worker (a classic script, loaded by importScripts).
   - Navigations: network first with a short timeout, then the precached app shell,
     then the offline page.
   - Versioned assets (/v/<version>/…): cache first; they never change under one URL.
   - The manifest and offline page: network first, falling back to the precache.
   - The API and anything cross-origin: left to the network. */
(function () {
  "use strict";

  const NAVIGATION_TIMEOUT_MS = 3000;
  const PREFIX = "tend-precache-";

  function withTimeout(promise, ms) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("timed out")), ms);
      promise.then(
        (value) => { clearTimeout(timer); resolve(value); },
        (error) => { clearTimeout(timer); reject(error); },
      );
    });
  }

  function create(build) {
    const cacheName = PREFIX + build.version;
    const precached = new Set(build.precache);

    async function precache() {
      const cache = await caches.open(cacheName);
      await cache.addAll(build.precache.map((url) => new Request(url, { cache: "reload" })));
    }

    async function removeOldCaches() {
      const names = await caches.keys();
      await Promise.all(
        names.filter((name) => name.startsWith(PREFIX) && name !== cacheName)
          .map((name) => caches.delete(name)),
      );
    }

    async function fromCache(request) {
      const cache = await caches.open(cacheName);
      // The shell varies by Accept and Sec-Fetch-Mode for HTTP caches; here any copy will do.
      return cache.match(request, { ignoreSearch: true, ignoreVary: true });
    }

    async function navigation(request) {
      try {
        return await withTimeout(fetch(request), NAVIGATION_TIMEOUT_MS);
      } catch (error) {
        return (await fromCache("/")) || (await fromCache("/offline.html")) || Response.error();
      }
    }

    async function cacheFirst(request) {
      return (await fromCache(request)) || fetch(request);
    }

    async function networkFirst(request) {
      try {
        return await fetch(request);
      } catch (error) {
        return (await fromCache(request)) || Response.error();
      }
    }

    function handle(request) {
      if (request.method !== "GET") return null;
      const url = new URL(request.url);
      if (url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return null;
      if (request.mode === "navigate") return navigation(request);
      if (url.pathname.startsWith("/v/")) return cacheFirst(request);
      if (precached.has(url.pathname)) return networkFirst(request);
      return null;
    }

    return { precache, removeOldCaches, handle };
  }

  self.TendStrategies = { create };
})();
