/* Tend's entry point: routes, the connection note, and the service worker. */
import { fallback, route, start } from "./router.js";
import { watchConnection } from "./connection.js";
import { registerServiceWorker } from "./updates.js";
import { home } from "./views/home.js";
import { signIn } from "./views/sign-in.js";
import { support } from "./views/support.js";
import { notFound } from "./views/not-found.js";

route("/", home);
route("/sign-in", signIn);
route("/support", support);
fallback(notFound);

watchConnection();
await start();
document.documentElement.dataset.ready = "true";
registerServiceWorker().catch((error) => console.warn("Tend could not work offline:", error));
