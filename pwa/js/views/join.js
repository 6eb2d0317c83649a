/* Accepting an invitation: see what it is for, choose a name, email and password, save
   the recovery code, and arrive in Tend. The token travels in the URL's fragment, so it
   never reaches the server's logs; it is taken out of the address bar at once. */
import { h } from "../dom.js";
import { ApiError, OfflineError, post } from "../api.js";
import { navigate } from "../router.js";
import { createAccount } from "../session.js";
import { busy, notice, page, showFieldErrors, showPage } from "../ui.js";
import { accountFields } from "./account-form.js";
import { recoveryCodePage } from "./recovery-code.js";

const STORE = "tend-join-token";
const ROLE_WORDS = { worker: "a team member", supervisor: "a supervisor", admin: "an admin" };

/** Take a link's token from the fragment (or from before a reload) and tidy the URL. */
export function takeToken(storeName, path) {
  const fromHash = location.hash.slice(1);
  if (fromHash) {
    sessionStorage.setItem(storeName, fromHash);
    history.replaceState(history.state, "", path);
  }
  return fromHash || sessionStorage.getItem(storeName) || "";
}

export function closedPage(title, message) {
  return {
    title,
    content: page(title,
      h("p", { class: "lead" }, message),
      h("p", { class: "actions" }, h("a", { class: "button secondary", href: "/sign-in" }, "Go to sign in"))),
  };
}

function describe(preview) {
  const roles = preview.roles.map((role) => ROLE_WORDS[role]).join(" and ");
  const team = preview.team ? ` in ${preview.team}` : "";
  return `${preview.organisation} has invited you to join Tend as ${roles}${team}.`;
}


export async function joinView() {
  const token = takeToken(STORE, "/join");
  if (!token) {
    return closedPage("Open your invitation link",
      "To join, open the invitation link your organisation sent you, on this device.");
  }
  let preview;
  try {
    preview = await post("/api/invitations/preview", { token });
  } catch (error) {
    if (error instanceof ApiError && [404, 410].includes(error.status)) {
      sessionStorage.removeItem(STORE);
      return closedPage("This invitation can't be used", error.message);
    }
    return closedPage("We couldn't open your invitation", error.message);
  }

  const account = accountFields({ extraInputs: () => [preview.organisation] });
  const status = notice();
  const submit = h("button", { type: "submit", class: "button" }, "Create my account");
  const form = h("form", { novalidate: true }, account.element, status.element,
    h("p", { class: "actions" }, submit));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.clear();
    if (!(await account.validate())) return;
    const { display_name, email, password } = account.values();
    try {
      const code = await busy(submit, "Setting up your private space…", () => createAccount(
        password,
        (keys) => post("/api/invitations/accept", {
          token, account: { display_name, email, ...keys },
        }),
      ));
      sessionStorage.removeItem(STORE);
      showPage(recoveryCodePage({ code, onDone: () => navigate("/", { replace: true }) }));
    } catch (error) {
      if (error instanceof ApiError && error.code === "email_taken") {
        account.fields.email.setError(error.message);
        account.fields.email.input.focus();
      } else if (error instanceof ApiError && error.status === 410) {
        sessionStorage.removeItem(STORE);
        showPage(closedPage("This invitation can't be used", error.message).content);
      } else if (!(error instanceof ApiError && showFieldErrors(error, account.fields))) {
        status.error(error instanceof ApiError || error instanceof OfflineError
          ? error.message : "Something went wrong. Please try again.");
      }
    }
  });

  const supervisors = preview.supervisors.length
    ? h("p", {}, `Your supervisor${preview.supervisors.length > 1 ? "s" : ""}: ${preview.supervisors.join(", ")}.`)
    : null;
  return {
    title: "Join Tend",
    content: page("Welcome to Tend",
      h("p", { class: "lead" }, describe(preview)),
      supervisors,
      h("ul", { class: "promises" },
        h("li", {}, "What you write is locked on your device with your password. "
          + "Nobody at your organisation can read it — admins included."),
        h("li", {}, "You choose what, if anything, your supervisor sees.")),
      form),
  };
}
