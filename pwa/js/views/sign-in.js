/* Sign in with email and password. The password never leaves the device: it is turned
   into two keys here, one to prove who you are and one to unlock your notes. */
import { h } from "../dom.js";
import { ApiError, OfflineError } from "../api.js";
import { WrongKeyError } from "../crypto.js";
import { passwordField } from "../password.js";
import { navigate } from "../router.js";
import { current, ENDED_WORDS, signIn as signInWith } from "../session.js";
import { busy, field, notice, page } from "../ui.js";

export function signIn() {
  const onSignInPage = location.pathname === "/sign-in";
  const email = field({
    label: "Email", name: "email", type: "email", autocomplete: "username", maxlength: 254,
  });
  const password = passwordField({
    id: "current-password", label: "Password", autocomplete: "current-password", meter: false,
  });
  const status = notice();
  const submit = h("button", { type: "submit", class: "button" }, "Sign in");
  const form = h("form", { novalidate: true },
    email.element, password.element, status.element,
    h("p", { class: "actions" }, submit),
    h("p", {}, h("a", { href: "/recover" }, "Forgotten your password?")));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.clear();
    if (!email.input.value.trim() || !password.input.value) {
      const missing = [email.input, password.input].filter((input) => !input.value.trim());
      status.error("Please enter your email and password.");
      status.tie([email.input, password.input], missing);
      missing[0].focus();
      return;
    }
    try {
      await busy(submit, "Signing in…", () => signInWith(email.input.value.trim(), password.input.value));
      if (onSignInPage) navigate("/", { replace: true });
    } catch (error) {
      let message = "Something went wrong. Please try again.";
      if (error instanceof ApiError || error instanceof OfflineError) message = error.message;
      if (error instanceof WrongKeyError) message = "That email or password is wrong. Please check them and try again.";
      status.error(message);
      const wrong = error instanceof WrongKeyError || (error instanceof ApiError && error.status === 401);
      if (wrong) status.tie([email.input, password.input], [email.input, password.input]);
      password.input.select();
    }
  });

  return {
    title: "Sign in",
    content: page("Sign in",
      ENDED_WORDS[current().ended]
        ? h("p", { class: "lead", role: "status" }, ENDED_WORDS[current().ended])
        : onSignInPage ? null : h("p", { class: "lead" }, "Please sign in to see this page."),
      form,
      h("p", { class: "small" },
        "New to Tend? Accounts start with an invitation from your organisation: "
        + "open the link they sent you on this device.")),
  };
}
