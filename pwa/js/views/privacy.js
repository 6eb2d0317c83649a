/* What each person can see of her: drawn from the rules the server itself enforces. */
import { h } from "../dom.js";
import { get } from "../api.js";
import { page } from "../ui.js";

export async function privacyView() {
  let rules;
  try {
    rules = await get("/api/privacy/rules");
  } catch {
    return {
      title: "Who can see what",
      content: page("Who can see what",
        h("p", {}, "This page needs a connection, so that it shows the rules Tend's server is "
          + "using right now. Your private notes stay locked on this device either way.")),
    };
  }
  return {
    title: "Who can see what",
    content: page("Who can see what",
      h("p", { class: "lead" }, "This is what Tend's server allows, word for word from the rules it enforces."),
      h("dl", { class: "privacy-rules" }, rules.rules.map((rule) => [
        h("dt", {}, rule.data),
        h("dd", {}, h("ul", { class: "plain-list" },
          h("li", {}, h("strong", {}, "You: "), rule.worker),
          h("li", {}, h("strong", {}, "Your supervisor: "), rule.supervisor),
          h("li", {}, h("strong", {}, "Your organisation: "), rule.organisation))),
      ])),
      h("p", {}, h("a", { href: "/sharing" }, "Choose what you share"))),
  };
}
