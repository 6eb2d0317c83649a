/* Tend's entry point: routes, who may see them, the connection note, the service worker.
   Each screen's module loads when it is first shown, so the first page stays small. */
import { fallback, refresh, route, start } from "./router.js";
import { watchConnection } from "./connection.js";
import { registerServiceWorker } from "./updates.js";
import { current, hasRole, onChange, restore } from "./session.js";
import { home } from "./views/home.js";
import { support } from "./views/support.js";
import { notFound } from "./views/not-found.js";

/** A view from a module loaded on first use. */
function lazy(load, name) {
  return async () => (await load())[name]();
}

const signIn = lazy(() => import("./views/sign-in.js"), "signIn");
const unlock = lazy(() => import("./views/unlock.js"), "unlockView");
const notAllowed = lazy(() => import("./views/not-allowed.js"), "notAllowed");

/** A page for someone signed in with the key unlocked (and, if given, holding `role`). */
function signedIn(view, role) {
  return () => {
    const { status, me } = current();
    if (status === "signed-out") return signIn();
    if (status === "locked") return unlock();
    if (role && me && !hasRole(role)) return notAllowed();
    return view();
  };
}

route("/", () => (current().status === "signed-out" ? home() : signedIn(home)()));
route("/sign-in", signIn);
route("/support", support);
route("/setup", lazy(() => import("./views/setup.js"), "setupView"));
route("/join", lazy(() => import("./views/join.js"), "joinView"));
route("/recover", lazy(() => import("./views/recover.js"), "recoverView"));
route("/settings", signedIn(lazy(() => import("./views/settings.js"), "settingsView")));
const entry = lazy(() => import("./views/entry.js"), "entryView");
route("/journal", signedIn(lazy(() => import("./views/journal.js"), "journalView")));
route("/journal/write", signedIn(entry));
route("/journal/entry", signedIn(entry));
route("/admin", signedIn(lazy(() => import("./views/admin.js"), "adminView"), "admin"));
fallback(notFound);

/** Keep her records in step with the server while her key is unlocked (loaded on first
    need, so that a signed-out start downloads none of it). */
function startSync() {
  import("./sync.js").then((sync) => sync.startSync())
    .catch((error) => console.warn("Tend could not start syncing:", error));
}

// These pages lead someone through signing up or in, and move on by themselves.
const SELF_LED = new Set(["/setup", "/join", "/recover", "/sign-in"]);

watchConnection();
await restore().catch((error) => console.warn("Tend could not check who is signed in:", error));
let lastStatus = current().status;
onChange((state) => {
  // Locking, unlocking, signing in or out changes what every other page shows.
  if (state.status !== lastStatus && !SELF_LED.has(location.pathname)) refresh();
  lastStatus = state.status;
  if (state.status === "unlocked") startSync();
});
if (current().status === "unlocked") startSync();
await start();
document.documentElement.dataset.ready = "true";
registerServiceWorker().catch((error) => console.warn("Tend could not work offline:", error));
