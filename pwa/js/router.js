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

export function navigate(path, { replace = false } = {}) {
  if (path !== location.pathname) {
    history[replace ? "replaceState" : "pushState"]({}, "", path);
  }
  return render({ focus: true });
}

async function render({ focus }) {
  const view = routes.get(location.pathname) || notFound;
  const main = document.getElementById("main");
  const { title, content } = await view();
  main.replaceChildren(content);
  shownPath = location.pathname;
  document.title = title === "Tend" ? "Tend" : `${title} — Tend`;
  if (focus) {
    const heading = main.querySelector("h1");
    (heading || main).focus({ preventScroll: true });
    window.scrollTo(0, 0);
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
    if (anchor.pathname === location.pathname && anchor.hash) return;
    event.preventDefault();
    navigate(anchor.pathname);
  });
  window.addEventListener("popstate", () => {
    // A jump to #section within the page changes only the hash: nothing to redraw.
    if (location.pathname === shownPath) return;
    render({ focus: true });
  });
  return render({ focus: false });
}
