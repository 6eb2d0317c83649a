import { h } from "../dom.js";

export function signIn() {
  return {
    title: "Sign in",
    content: h("section", { "aria-labelledby": "page-title" },
      h("h1", { id: "page-title", tabindex: "-1" }, "Sign in"),
      h("p", { class: "lead" },
        "Tend accounts start with an invitation from your organisation."),
      h("p", {},
        "When you have one, open the invitation link on this phone to set up your account. "
        + "After that, you'll sign in here."),
      h("p", { class: "actions" }, h("a", { class: "button secondary", href: "/" }, "Back to the start"))),
  };
}
