import { h } from "../dom.js";
import { page } from "../ui.js";

export function notAllowed() {
  return {
    title: "Not available",
    content: page("This part of Tend isn't for your role",
      h("p", {}, "If you think you should have it, ask an admin in your organisation."),
      h("p", { class: "actions" }, h("a", { class: "button", href: "/" }, "Go to the start"))),
  };
}
