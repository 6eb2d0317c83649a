/* Unlock: the session is still there, but the key to her notes was put away ("Lock now").
   Works offline: the wrapped key is on this device. */
import { h } from "../dom.js";
import { OfflineError } from "../api.js";
import { WrongKeyError } from "../crypto.js";
import { passwordField } from "../password.js";
import { current, signOut, unlock } from "../session.js";
import { busy, notice, page } from "../ui.js";

export function unlockView() {
  const password = passwordField({
    id: "unlock-password", label: "Password", autocomplete: "current-password", meter: false,
  });
  const status = notice();
  const submit = h("button", { type: "submit", class: "button" }, "Unlock");
  const form = h("form", { novalidate: true },
    password.element, status.element, h("p", { class: "actions" }, submit));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.clear();
    if (!password.input.value) {
      status.error("Please enter your password.");
      password.input.focus();
      return;
    }
    try {
      await busy(submit, "Unlocking…", () => unlock(password.input.value));
    } catch (error) {
      status.error(error instanceof WrongKeyError
        ? "That password isn't right. Please try again."
        : error instanceof OfflineError ? error.message : "Something went wrong. Please try again.");
      password.input.select();
    }
  });
  const name = current().me?.display_name;
  const out = h("button", {
    type: "button",
    class: "link-button",
    onclick: async () => {
      try {
        await signOut();
      } catch (error) {
        status.error(error.message);
      }
    },
  }, "Sign out instead");
  return {
    title: "Unlock",
    content: page(name ? `Welcome back, ${name}` : "Welcome back",
      h("p", { class: "lead" }, "Tend is locked on this device. Enter your password to open your notes."),
      form,
      h("p", {}, h("a", { href: "/recover" }, "Forgotten your password?")),
      h("p", {}, out)),
  };
}
