/* First run: the one-time set-up link lets the first admin name the organisation, add its
   teams (homes, service areas) and create their own account. */
import { h } from "../dom.js";
import { ApiError, OfflineError, post } from "../api.js";
import { navigate } from "../router.js";
import { createAccount } from "../session.js";
import { busy, checkbox, field, notice, page, showFieldErrors, showPage } from "../ui.js";
import { accountFields } from "./account-form.js";
import { closedPage, takeToken } from "./join.js";
import { recoveryCodePage } from "./recovery-code.js";

const STORE = "tend-setup-token";

function teamList() {
  const list = h("ul", { class: "plain-list team-inputs" });
  let count = 0;
  function add(value = "") {
    count += 1;
    const input = field({
      label: `Team ${count}`, name: "team", maxlength: 80, required: false, value,
    });
    list.append(h("li", {}, input.element));
    return input.input;
  }
  add();
  const more = h("button", {
    type: "button",
    class: "button secondary small-button",
    onclick: () => add().focus(),
  }, "Add another team");
  return {
    element: h("fieldset", {},
      h("legend", {}, "Teams"),
      h("p", { class: "field-hint" },
        "Your homes or service areas, such as Oak House or the exploitation team. "
        + "You can add more later."),
      list, more),
    names: () => [...list.querySelectorAll("input")].map((i) => i.value.trim()).filter(Boolean),
  };
}


export async function setupView() {
  const token = takeToken(STORE, "/setup");
  if (!token) {
    return closedPage("Set up Tend",
      "To set up Tend, open the set-up link that the Tend server printed when it started. "
      + "Whoever runs the server can make a new one with: tend setup-link");
  }
  try {
    await post("/api/setup/check", { token });
  } catch (error) {
    if (error instanceof ApiError && error.status === 410) sessionStorage.removeItem(STORE);
    return closedPage("This set-up link can't be used", error.message);
  }

  const organisation = field({
    label: "Your organisation's name", name: "organisation_name", maxlength: 120,
    autocomplete: "organization",
  });
  const teams = teamList();
  const account = accountFields({ extraInputs: () => [organisation.input.value] });
  const alsoWorker = checkbox({
    label: "I'll also use Tend for my own wellbeing", name: "also_worker", checked: true,
  });
  const status = notice();
  const submit = h("button", { type: "submit", class: "button" }, "Set up Tend");
  const form = h("form", { novalidate: true },
    organisation.element,
    teams.element,
    h("h2", {}, "Your account"),
    h("p", {}, "You'll be the first admin. Admins invite people and look after the set-up; "
      + "they can never read anyone's private notes."),
    account.element,
    alsoWorker.element,
    status.element,
    h("p", { class: "actions" }, submit));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.clear();
    const named = organisation.input.value.trim();
    if (!named) organisation.setError("Please give your organisation a name.");
    if (!(await account.validate()) || !named) {
      if (!named) organisation.input.focus();
      return;
    }
    const { display_name, email, password } = account.values();
    try {
      const code = await busy(submit, "Setting up…", () => createAccount(
        password,
        (keys) => post("/api/setup", {
          token,
          organisation_name: named,
          teams: teams.names(),
          account: { display_name, email, ...keys },
          also_worker: alsoWorker.input.checked,
        }),
      ));
      sessionStorage.removeItem(STORE);
      showPage(recoveryCodePage({ code, onDone: () => navigate("/admin", { replace: true }) }));
    } catch (error) {
      if (error instanceof ApiError && error.status === 410) {
        sessionStorage.removeItem(STORE);
        showPage(closedPage("This set-up link can't be used", error.message).content);
      } else if (!(error instanceof ApiError
        && showFieldErrors(error, { ...account.fields, organisation_name: organisation }))) {
        status.error(error instanceof ApiError || error instanceof OfflineError
          ? error.message : "Something went wrong. Please try again.");
      }
    }
  });

  return {
    title: "Set up Tend",
    content: page("Set up Tend",
      h("p", { class: "lead" },
        "A few details about your organisation, then your own account. It takes a minute."),
      form),
  };
}
