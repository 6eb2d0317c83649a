/* Get support now: one tap from every screen (the header link), signed in or not, locked,
   and offline. Her organisation's own support comes first (kept on this device by
   toolkit.js), then UK lines that are always there. Every link is made on this device
   from checked values: tel:/sms: from digits only, websites only over http(s). */
import { h } from "../dom.js";
import { OfflineError } from "../api.js";
import { current } from "../session.js";
import { loadToolkit, refreshToolkit, smsHref, telHref, toolkitEvents, webHref } from "../toolkit.js";

/* UK lines, always available, even offline. */
const LINES = [
  { name: "Samaritans", detail: "Call 116 123, free, day or night", href: "tel:116123" },
  { name: "Shout", detail: "Text SHOUT to 85258", href: "sms:85258?&body=SHOUT" },
  { name: "NHS 111", detail: "Call 111 for urgent medical help", href: "tel:111" },
  { name: "Emergency", detail: "Call 999 if a life is at risk", href: "tel:999", urgent: true },
];

/** One way to reach a resource: a verb she sees, the resource's name for a screen reader,
    and what the link leads to (the number, or the website's address). */
function action({ href, verb, name, shows, external = false }) {
  return h("a", {
    class: "support-action",
    href,
    target: external ? "_blank" : null,
    rel: external ? "noopener noreferrer" : null,
  },
  h("span", { class: "support-verb" }, verb,
    h("span", { class: "visually-hidden" }, ` ${name}`)),
  " ",
  h("span", { class: "support-detail" }, shows),
  external ? h("span", { class: "visually-hidden" }, " (opens in your browser)") : null);
}

function resourceItem(resource) {
  const call = telHref(resource.phone);
  const text = smsHref(resource.text);
  const web = webHref(resource.web);
  const actions = [
    call ? action({ href: call, verb: "Call", name: resource.name, shows: resource.phone }) : null,
    text ? action({ href: text, verb: "Text", name: resource.name, shows: resource.text }) : null,
    web ? action({
      href: web, verb: "Website", name: `for ${resource.name}`, shows: new URL(web).host, external: true,
    }) : null,
  ].filter(Boolean);
  return h("li", { class: "support-resource" },
    h("h3", {}, resource.name),
    resource.description ? h("p", {}, resource.description) : null,
    resource.hours ? h("p", { class: "support-hours" }, h("strong", {}, "When: "), resource.hours) : null,
    actions.length ? h("div", { class: "support-actions" }, actions) : null);
}

/** Her organisation's resources: nothing at all when there are none. */
function organisationSection() {
  const list = h("ul", { class: "support-resources" });
  const element = h("section", { class: "support-org", "aria-labelledby": "support-org-title", hidden: true },
    h("h2", { id: "support-org-title" }, "Support through your work"),
    list);
  let shown = null;
  function show(toolkit) {
    // Drawn again only when something changed, so a focused link keeps its focus.
    const now = JSON.stringify(toolkit.resources);
    if (now === shown) return;
    shown = now;
    list.replaceChildren(...toolkit.resources.map(resourceItem));
    element.hidden = toolkit.resources.length === 0;
  }
  return { element, show };
}

function linesSection() {
  return h("section", { "aria-labelledby": "support-lines-title" },
    h("h2", { id: "support-lines-title" }, "Helplines, free and open to anyone in the UK"),
    h("ul", { class: "support-lines" },
      LINES.map((line) => h("li", {},
        h("a", { class: line.urgent ? "line emergency" : "line", href: line.href },
          h("strong", {}, line.name), " ", h("span", {}, line.detail))))));
}

export async function support() {
  const organisation = organisationSection();
  const signedIn = current().status !== "signed-out";
  if (signedIn) {
    organisation.show(await loadToolkit());
    // A fresher copy when there is a connection, and after each sync while she is here.
    if (navigator.onLine !== false) {
      refreshToolkit().then(organisation.show).catch((error) => {
        if (!(error instanceof OfflineError)) console.warn("Tend could not update support details:", error);
      });
    }
    const onChange = (event) => {
      if (!organisation.element.isConnected) {
        toolkitEvents.removeEventListener("change", onChange);
        return;
      }
      organisation.show(event.detail.toolkit);
    };
    toolkitEvents.addEventListener("change", onChange);
  }
  return {
    title: "Get support",
    content: h("section", { "aria-labelledby": "page-title" },
      h("h1", { id: "page-title", tabindex: "-1" }, "Get support now"),
      h("p", { class: "lead" },
        "If things feel too much, you don't have to manage on your own. "
        + "These people are there to listen."),
      organisation.element,
      linesSection(),
      h("p", { class: "small" }, "These work without signal in Tend, but a call needs a phone network.")),
  };
}
