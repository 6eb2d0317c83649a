/* After she deleted her account on this device: a kind last word, and support. */
import { h } from "../dom.js";
import { current } from "../session.js";
import { page } from "../ui.js";
import { home } from "./home.js";

export function goodbyeView() {
  if (current().ended !== "account_deleted") return home();
  return {
    title: "Your account has been deleted",
    content: page("Your account has been deleted",
      h("p", {}, "Everything Tend kept for you has gone: from the server, and from this device. "
        + "Your other devices will clear themselves the next time they connect."),
      h("p", {}, "Thank you for looking after yourself with Tend. Take care."),
      h("p", {}, h("a", { href: "/support" }, "Support, if you need it now"))),
  };
}
