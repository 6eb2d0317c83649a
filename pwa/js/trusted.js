/* Trusted Types: the page's CSP refuses strings at every script-URL and HTML sink.
   Tend's one policy vouches only for the service worker's own, fixed URL. */

const SERVICE_WORKER_URL = "/sw.js";

const policy = window.trustedTypes
  ? window.trustedTypes.createPolicy("tend", {
    createScriptURL(url) {
      if (url !== SERVICE_WORKER_URL) throw new TypeError(`Untrusted script URL: ${url}`);
      return url;
    },
  })
  : null;

/** The service worker's URL, as a TrustedScriptURL where the browser has Trusted Types. */
export function serviceWorkerUrl() {
  return policy ? policy.createScriptURL(SERVICE_WORKER_URL) : SERVICE_WORKER_URL;
}
