/* Tend's entry point: routes, who may see them, the connection note, the service worker.
   Each screen's module loads when it is first shown, so the first page stays small. */
import { fallback, refresh, route, start } from "./router.js";
import { watchConnection } from "./connection.js";
import { registerServiceWorker } from "./updates.js";
import { current, hasRole, onChange, restore } from "./session.js";
import { home } from "./views/home.js";

/** A view from a module loaded on first use. */
function lazy(load, name) {
  return async () => (await load())[name]();
}

const signIn = lazy(() => import("./views/sign-in.js"), "signIn");
// Support and its toolkit stay out of the first paint, then load at once after it (below),
// so that "Get support" is ready before anyone taps it.
const loadSupport = () => import("./views/support.js");
const support = lazy(loadSupport, "support");
const notFound = lazy(() => import("./views/not-found.js"), "notFound");
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
route("/your-data", signedIn(lazy(() => import("./views/your-data.js"), "yourDataView")));
route("/goodbye", lazy(() => import("./views/goodbye.js"), "goodbyeView"));
const entry = lazy(() => import("./views/entry.js"), "entryView");
route("/journal", signedIn(lazy(() => import("./views/journal.js"), "journalView")));
route("/journal/write", signedIn(entry));
route("/journal/entry", signedIn(entry));
route("/checkin", signedIn(lazy(() => import("./views/checkin.js"), "checkinView")));
route("/right-now", signedIn(lazy(() => import("./views/right-now.js"), "rightNowView")));
route("/plan", signedIn(lazy(() => import("./views/plan.js"), "planView")));
route("/after-difficult", signedIn(lazy(() => import("./views/after-difficult.js"), "afterDifficultView")));
route("/trends", signedIn(lazy(() => import("./views/trends.js"), "trendsView")));
route("/reflection", signedIn(lazy(() => import("./views/reflection.js"), "reflectionView")));
route("/sharing", signedIn(lazy(() => import("./views/sharing.js"), "sharingView"), "worker"));
route("/supervision", signedIn(lazy(() => import("./views/before-supervision.js"), "beforeSupervisionView"), "worker"));
route("/privacy", signedIn(lazy(() => import("./views/privacy.js"), "privacyView")));
route("/reminders", signedIn(lazy(() => import("./views/reminders.js"), "remindersView")));
route("/reminders/shifts", signedIn(lazy(() => import("./views/shifts.js"), "shiftsView")));
const supervisees = () => import("./views/supervisees.js");
route("/supervisees", signedIn(lazy(supervisees, "superviseesView"), "supervisor"));
route("/supervisees/prepare", signedIn(lazy(supervisees, "prepareView"), "supervisor"));
route("/admin", signedIn(lazy(() => import("./views/admin.js"), "adminView"), "admin"));
route("/admin/support", signedIn(lazy(() => import("./views/admin-support.js"), "adminSupportView"), "admin"));
route("/admin/insights", signedIn(lazy(() => import("./views/insights.js"), "insightsView"), "admin"));
fallback(notFound);

/** Keep her records in step with the server while her key is unlocked (loaded on first
    need, so that a signed-out start downloads none of it). */
function startSync() {
  import("./sync.js").then((sync) => sync.startSync())
    .catch((error) => console.warn("Tend could not start syncing:", error));
  // Anything she keeps up to date for her supervisor catches up with check-ins made offline.
  if (hasRole("worker") && navigator.onLine) {
    import("./sharing.js").then((sharing) => sharing.keepSharesUpToDate()).catch(() => {});
  }
}

// These pages lead someone through signing up or in, and move on by themselves.
const SELF_LED = new Set(["/setup", "/join", "/recover", "/sign-in", "/goodbye"]);

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
loadSupport().catch(() => {});
registerServiceWorker().catch((error) => console.warn("Tend could not work offline:", error))
  .then(() => {
    // Reminders on this phone stay in step with the server (a new key, a new session);
    // quietly, and never a permission prompt.
    const { status, offline } = current();
    if (status === "signed-out" || offline) return;
    import("./push.js").then((push) => push.checkSubscription())
      .catch((error) => console.warn("Tend could not check reminders on this device:", error));
  });
