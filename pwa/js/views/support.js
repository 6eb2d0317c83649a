import { h } from "../dom.js";

/* UK lines, always available, even offline. An organisation's own support (its Employee
   Assistance Programme, on-call manager, …) joins this list once it is set up. */
const LINES = [
  { name: "Samaritans", detail: "Call 116 123, free, day or night", href: "tel:116123" },
  { name: "Shout", detail: "Text SHOUT to 85258", href: "sms:85258?&body=SHOUT" },
  { name: "NHS 111", detail: "Call 111 for urgent medical help", href: "tel:111" },
  { name: "Emergency", detail: "Call 999 if a life is at risk", href: "tel:999", urgent: true },
];

export function support() {
  return {
    title: "Get support",
    content: h("section", { "aria-labelledby": "page-title" },
      h("h1", { id: "page-title", tabindex: "-1" }, "Get support now"),
      h("p", { class: "lead" },
        "If things feel too much, you don't have to manage on your own. "
        + "These people are there to listen."),
      h("ul", { class: "support-lines" },
        LINES.map((line) => h("li", {},
          h("a", { class: line.urgent ? "line emergency" : "line", href: line.href },
            h("strong", {}, line.name), " ", h("span", {}, line.detail))))),
      h("p", { class: "small" }, "These work without signal in Tend, but a call needs a phone network.")),
  };
}
