/* Forgotten password: the recovery code unlocks the data key on this device, and a new
   password wraps it again. The server never sees the code or either password. */
import { h } from "../dom.js";
import { ApiError, OfflineError } from "../api.js";
import { RecoveryCodeError, WrongKeyError } from "../crypto.js";
import { passwordField } from "../password.js";
import { recover } from "../session.js";
import { busy, field, notice, page, showPage } from "../ui.js";

export function recoverView() {
  const email = field({
    label: "Email", name: "email", type: "email", autocomplete: "username", maxlength: 254,
  });
  const code = field({
    label: "Recovery code", name: "recovery_code", autocomplete: "off", maxlength: 80,
    hint: "The code you saved when you joined, like ABCD-EFGH-… Spaces and dashes don't matter.",
  });
  code.input.setAttribute("autocapitalize", "characters");
  code.input.setAttribute("spellcheck", "false");
  const password = passwordField({
    id: "recovered-password", label: "New password", autocomplete: "new-password",
    userInputs: () => [email.input.value],
  });
  const status = notice();
  const submit = h("button", { type: "submit", class: "button" }, "Set new password");
  const form = h("form", { novalidate: true },
    email.element, code.element, password.element, status.element,
    h("p", { class: "actions" }, submit));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.clear();
    if (!email.input.value.trim()) {
      email.setError("Please enter your email.");
      email.input.focus();
      return;
    }
    if (!code.input.value.trim()) {
      code.setError("Please enter your recovery code.");
      code.input.focus();
      return;
    }
    if (!(await password.check()).acceptable) {
      password.input.focus();
      return;
    }
    try {
      await busy(submit, "Checking your code…",
        () => recover(email.input.value.trim(), code.input.value, password.input.value));
      showPage(page("Your password is changed",
        h("p", { class: "lead" }, "You're signed in, and your notes are all here."),
        h("p", {}, "Your recovery code still works, so keep it safe. If you think someone "
          + "else has seen it, make a new one in Settings. Other devices have been signed out."),
        h("p", { class: "actions" }, h("a", { class: "button", href: "/" }, "Continue"))));
    } catch (error) {
      if (error instanceof RecoveryCodeError) {
        code.setError(error.message);
        code.input.focus();
      } else if (error instanceof WrongKeyError) {
        status.error("That email or recovery code is wrong. Please check them and try again.");
      } else if (error instanceof ApiError || error instanceof OfflineError) {
        status.error(error.message);
      } else {
        status.error("Something went wrong. Please try again.");
      }
    }
  });

  return {
    title: "Forgotten password",
    content: page("Forgotten your password?",
      h("p", { class: "lead" }, "Use the recovery code you saved when you joined to choose a new password."),
      h("p", {}, "Nobody at your organisation can reset it for you: that's what keeps your notes private."),
      form,
      h("p", {}, h("a", { href: "/sign-in" }, "Back to sign in"))),
  };
}
