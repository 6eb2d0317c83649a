/* "About you" fields shared by setting up Tend and accepting an invitation. */
import { h } from "../dom.js";
import { passwordField } from "../password.js";
import { field } from "../ui.js";

/**
 * @param {{extraInputs?: () => string[]}} [options] words that make a guessable password
 */
export function accountFields({ extraInputs = () => [] } = {}) {
  const name = field({
    label: "Your name", name: "display_name", autocomplete: "name", maxlength: 80,
    hint: "How you'd like to appear to your supervisor and admins.",
  });
  const email = field({
    label: "Email", name: "email", type: "email", autocomplete: "username", maxlength: 254,
    hint: "You'll sign in with this.",
  });
  const password = passwordField({
    id: "new-password",
    label: "Choose a password",
    autocomplete: "new-password",
    hint: "At least 10 characters. A few unrelated words are strong and easy to remember.",
    userInputs: () => [name.input.value, email.input.value, ...extraInputs()],
  });
  return {
    element: h("div", {}, name.element, email.element, password.element),
    fields: { display_name: name, email },
    password,
    values() {
      return {
        display_name: name.input.value.trim(),
        email: email.input.value.trim(),
        password: password.input.value,
      };
    },
    /** Check what can be checked here; focus the first problem. */
    async validate() {
      let first = null;
      if (!name.input.value.trim()) {
        name.setError("Please tell us what to call you.");
        first = first || name.input;
      }
      if (!email.input.value.trim() || !email.input.checkValidity()) {
        email.setError("Please enter an email address, like jade@example.org.");
        first = first || email.input;
      }
      const strength = await password.check();
      if (!strength.acceptable) first = first || password.input;
      if (first) first.focus();
      return !first;
    },
  };
}
