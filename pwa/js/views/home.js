import { h } from "../dom.js";

export function home() {
  return {
    title: "Tend",
    content: h("section", { class: "welcome", "aria-labelledby": "page-title" },
      h("h1", { id: "page-title", tabindex: "-1" }, "Welcome to Tend"),
      h("p", { class: "lead" },
        "A private place to notice how you are, look after yourself between shifts, "
        + "and bring what matters to supervision — on your terms."),
      h("ul", { class: "promises" },
        h("li", {}, "What you write stays yours. It is locked on your device before it goes anywhere."),
        h("li", {}, "You choose what, if anything, your supervisor sees."),
        h("li", {}, "It works without signal.")),
      h("p", { class: "actions" }, h("a", { class: "button", href: "/sign-in" }, "Sign in")),
      h("p", { class: "small" },
        "Tend is for looking after yourself. It is not a clinical or diagnostic tool.")),
  };
}
