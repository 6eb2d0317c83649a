/* Caching strategies for Tend's service worker (a classic script, loaded by importScripts).
   - Navigations: network first with a short timeout. A page stays on the build this worker
     holds: if the server already has a newer one, the precached shell is served and the
     page offers "Reload". No network, a timeout or a server error: the precached shell,
     then the offline page.
   - Versioned assets (/v/<version>/…): cache first; they never change under one URL.
   - The manifest and offline page: network first, falling back to the precache.
   - The API and anything cross-origin: left to the network. */
(function () {
  "use strict";

  const NAVIGATION_TIMEOUT_MS = 3000;
  const FETCH_ATTEMPTS = 3;
  const PREFIX = "tend-precache-";
  const BUILD_HEADER = "x-tend-build";

  function create(build) {
    const cacheName = PREFIX + build.version;
    const precached = new Set(build.precache);

    /* One file of this build. A dropped connection or a server error is tried again a
       couple of times (a patchy signal, a busy server), so one lost request does not
       leave the phone without Tend offline until its next visit. */
    async function fetchForBuild(url) {
      for (let attempt = 1; ; attempt += 1) {
        let response = null;
        try {
          response = await fetch(new Request(url, { cache: "reload" }));
        } catch (error) {
          if (attempt >= FETCH_ATTEMPTS) throw error;
        }
        if (response && response.status < 500) return response;
        if (response && attempt >= FETCH_ATTEMPTS) return response;
        await new Promise((resolve) => setTimeout(resolve, 300 * attempt));
      }
    }

    /* Every file must come from this worker's own build: if the server has moved on
       mid-install, installing fails and the browser tries again with the new worker. */
    async function precache() {
      const cache = await caches.open(cacheName);
      await Promise.all(build.precache.map(async (url) => {
        const response = await fetchForBuild(url);
        if (!response.ok || response.headers.get(BUILD_HEADER) !== build.version) {
          throw new Error(`${url} is not part of build ${build.version}`);
        }
        await cache.put(url, response);
      }));
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

    async function cachedShell() {
      return (await fromCache("/")) || (await fromCache("/offline.html")) || Response.error();
    }

    async function navigation(request) {
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), NAVIGATION_TIMEOUT_MS);
      try {
        const response = await fetch(request, { signal: abort.signal });
        if (response.status >= 500) return cachedShell();
        const served = response.headers.get(BUILD_HEADER);
        if (served && served !== build.version) {
          self.registration.update().catch(() => {});
          return (await fromCache("/")) || response;
        }
        return response;
      } catch (error) {
        return cachedShell();
      } finally {
        clearTimeout(timer);
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
