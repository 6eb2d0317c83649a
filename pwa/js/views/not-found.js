import { h } from "../dom.js";

export function notFound() {
  return {
    title: "Page not found",
    content: h("section", { "aria-labelledby": "page-title" },
      h("h1", { id: "page-title", tabindex: "-1" }, "There's nothing here"),
      h("p", {}, "This page may have moved. Nothing you've written is affected."),
      h("p", { class: "actions" }, h("a", { class: "button", href: "/" }, "Go to the start"))),
  };
}
