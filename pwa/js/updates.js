/* Registers the service worker and, when a new version is waiting, offers to reload —
   never reloading under someone who is in the middle of something. */
import { h } from "./dom.js";
import { serviceWorkerUrl } from "./trusted.js";

const CHECK_EVERY_MS = 60 * 60 * 1000;
let reloadAsked = false;

/** Show "A new version of Tend is ready — Reload". With no waiting worker (another tab
    already switched to the new version), the button simply reloads this page. */
function offerReload(worker) {
  const region = document.getElementById("update");
  const reload = h("button", {
    type: "button",
    class: "button small-button",
    onclick: () => {
      reload.disabled = true;
      if (!worker || worker.state === "activated" || worker.state === "redundant") {
        location.reload();
        return;
      }
      reloadAsked = true;
      worker.postMessage({ type: "SKIP_WAITING" });
    },
  }, "Reload");
  region.replaceChildren(h("p", {}, "A new version of Tend is ready."), reload);
  region.hidden = false;
  // Said through a live region that was in the page all along: one shown together with
  // its message is often not announced.
  document.getElementById("update-said").textContent =
    "A new version of Tend is ready. Reload when it suits you: the button is at the bottom.";
}

function watchForWaiting(registration) {
  if (registration.waiting && navigator.serviceWorker.controller) {
    offerReload(registration.waiting);
  }
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    if (!worker) return;
    worker.addEventListener("statechange", () => {
      // With no controller yet this is the first install, not an update.
      if (worker.state === "installed" && navigator.serviceWorker.controller) offerReload(worker);
    });
  });
}

function watchForTakeover() {
  let controlled = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (reloadAsked) {
      location.reload();
    } else if (controlled) {
      offerReload(null); // another tab moved Tend on: offer, don't force
    }
    controlled = true;
  });
}

export async function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return null;
  watchForTakeover();
  const registration = await navigator.serviceWorker.register(serviceWorkerUrl(), {
    updateViaCache: "none",
  });
  watchForWaiting(registration);
  // A page still loading when the first worker activated can miss its clients.claim()
  // (Chromium claims only pages ready to run scripts) and would stay uncontrolled, so not
  // offline, until reloaded: ask the worker to claim once more.
  navigator.serviceWorker.ready.then((ready) => {
    if (!navigator.serviceWorker.controller) ready.active?.postMessage({ type: "CLAIM" });
  }).catch(() => {});
  const check = () => registration.update().catch(() => {});
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") check();
  });
  setInterval(check, CHECK_EVERY_MS);
  return registration;
}
