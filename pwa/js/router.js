/* A small history router: same-origin links render views in <main> without a reload,
   then focus moves to the new page's heading so screen readers announce it. */

const routes = new Map();
let shownPath = null;
let notFound = null;

export function route(path, view) {
  routes.set(path, view);
}

export function fallback(view) {
  notFound = view;
}

/** Where the page is, query included (a query may carry an id, never personal text). */
function here() {
  return location.pathname + location.search;
}

/** Show `url` (a path, with a query if it needs one). */
export function navigate(url, { replace = false } = {}) {
  if (url !== here()) {
    history[replace ? "replaceState" : "pushState"]({}, "", url);
  }
  return render({ focus: true });
}

let renders = 0;

async function render({ focus }) {
  const view = routes.get(location.pathname) || notFound;
  const main = document.getElementById("main");
  const mine = ++renders;
  const { title, content } = await view();
  // A later navigation has started while this page was being prepared: it wins.
  if (mine !== renders) return;
  main.replaceChildren(content);
  shownPath = here();
  document.title = title === "Tend" ? "Tend" : `${title} — Tend`;
  if (focus) {
    const heading = main.querySelector("h1");
    (heading || main).focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }
  // A link to a part of a page (/sharing#talk) lands on that part, its heading focused.
  const target = location.hash.length > 1 ? document.getElementById(location.hash.slice(1)) : null;
  if (target) {
    target.scrollIntoView({ block: "start" });
    (target.querySelector("h2[tabindex]") || target.querySelector("h2, h3"))?.focus({ preventScroll: true });
  }
}

/** Render the current page again (after signing in or out, locking or unlocking). */
export function refresh() {
  return render({ focus: true });
}

function isAppLink(anchor, event) {
  return anchor
    && anchor.origin === location.origin
    && !anchor.hasAttribute("download")
    && anchor.target !== "_blank"
    && !event.defaultPrevented
    && event.button === 0
    && !(event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
    && !anchor.pathname.startsWith("/api/");
}

export function start() {
  document.addEventListener("click", (event) => {
    const anchor = event.target instanceof Element ? event.target.closest("a[href]") : null;
    if (!isAppLink(anchor, event)) return;
    if (anchor.pathname + anchor.search === here() && anchor.hash) return;
    event.preventDefault();
    navigate(anchor.pathname + anchor.search);
  });
  window.addEventListener("popstate", () => {
    // A jump to #section within the page changes only the hash: nothing to redraw.
    if (here() === shownPath) return;
    render({ focus: true });
  });
  return render({ focus: false });
}
