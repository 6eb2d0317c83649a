/* Settings: her name, password, recovery code, devices, sign-in history, supervisors,
   lock and sign out. */
import { h } from "../dom.js";
import { ApiError, OfflineError, del, get, patch } from "../api.js";
import { WrongKeyError } from "../crypto.js";
import { passwordField } from "../password.js";
import { changePassword, current, lock, newRecoveryCode, signOut } from "../session.js";
import { busy, field, formatDateTime, notice, page, showPage } from "../ui.js";
import { recoveryCodePage } from "./recovery-code.js";

const EVENT_WORDS = {
  sign_in: "Signed in",
  sign_in_failed: "A sign-in with a password that didn't match",
  sign_in_locked: "Sign-in paused for a while after several tries",
  recovery_used: "Password reset with the recovery code",
};

function problem(error) {
  if (error instanceof WrongKeyError) return "That password isn't right. Please try again.";
  if (error instanceof ApiError || error instanceof OfflineError) return error.message;
  return "Something went wrong. Please try again.";
}

function nameSection(me) {
  const name = field({ label: "Your name", name: "display_name", maxlength: 80, value: me?.display_name || "" });
  const status = notice();
  const save = h("button", { type: "submit", class: "button small-button" }, "Save name");
  const form = h("form", { novalidate: true }, name.element, status.element, save);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const updated = await busy(save, "Saving…", () => patch("/api/account", { display_name: name.input.value }));
      current().me = updated;
      status.info("Your name is saved.");
    } catch (error) {
      status.error(problem(error));
    }
  });
  return h("section", { class: "card", "aria-labelledby": "name-heading" },
    h("h2", { id: "name-heading" }, "About you"), form);
}

function passwordSection() {
  const currentPassword = passwordField({
    id: "change-current", label: "Current password", autocomplete: "current-password", meter: false,
  });
  const next = passwordField({
    id: "change-new", label: "New password", autocomplete: "new-password",
    userInputs: () => [current().me?.email || "", current().me?.display_name || ""],
  });
  const status = notice();
  const save = h("button", { type: "submit", class: "button small-button" }, "Change password");
  const form = h("form", { novalidate: true },
    currentPassword.element, next.element, status.element, save);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.clear();
    if (!currentPassword.input.value) {
      status.error("Please enter your current password.");
      currentPassword.input.focus();
      return;
    }
    if (!(await next.check()).acceptable) {
      next.input.focus();
      return;
    }
    try {
      await busy(save, "Changing…", () => changePassword(currentPassword.input.value, next.input.value));
      currentPassword.clear();
      next.clear();
      status.info("Your password is changed. Other devices have been signed out.");
    } catch (error) {
      status.error(problem(error));
    }
  });
  return h("section", { class: "card", "aria-labelledby": "password-heading" },
    h("h2", { id: "password-heading" }, "Password"),
    h("p", { class: "small" }, "Your notes stay as they are: only the lock changes."),
    form);
}

function recoverySection() {
  const password = passwordField({
    id: "recovery-password", label: "Your password", autocomplete: "current-password", meter: false,
  });
  const status = notice();
  const make = h("button", { type: "submit", class: "button secondary small-button" }, "Make a new recovery code");
  const form = h("form", { novalidate: true }, password.element, status.element, make);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.clear();
    if (!password.input.value) {
      status.error("Please enter your password.");
      password.input.focus();
      return;
    }
    try {
      const code = await busy(make, "Making…", () => newRecoveryCode(password.input.value));
      showPage(recoveryCodePage({
        code,
        lead: "Here is your new recovery code. Your old one no longer works.",
        onDone: () => location.assign("/settings"),
      }));
    } catch (error) {
      status.error(problem(error));
    }
  });
  return h("section", { class: "card", "aria-labelledby": "recovery-heading" },
    h("h2", { id: "recovery-heading" }, "Recovery code"),
    h("p", { class: "small" }, "If you've lost your recovery code or think someone has seen it, make a new one. The old one stops working."),
    form);
}

async function devicesSection() {
  const list = h("ul", { class: "plain-list" });
  const status = notice();
  async function load() {
    const sessions = await get("/api/account/sessions");
    list.replaceChildren(...sessions.map((session) => h("li", {},
      h("strong", {}, session.device), session.current ? " (this device)" : "",
      h("br"),
      h("span", { class: "small" }, `Last used ${formatDateTime(session.last_seen_at)}`),
      session.current ? null : h("div", {}, h("button", {
        type: "button",
        class: "button secondary small-button",
        "aria-label": `Sign out ${session.device}, last used ${formatDateTime(session.last_seen_at)}`,
        onclick: async (event) => {
          try {
            await busy(event.currentTarget, "Signing out…", () => del(`/api/account/sessions/${session.id}`));
            status.info(`${session.device} is signed out.`);
            await load();
          } catch (error) {
            status.error(problem(error));
          }
        },
      }, "Sign out")))));
  }
  try {
    await load();
  } catch (error) {
    status.error(problem(error));
  }
  return h("section", { class: "card", "aria-labelledby": "devices-heading" },
    h("h2", { id: "devices-heading" }, "Where you're signed in"), status.element, list);
}

async function historySection() {
  const list = h("ul", { class: "plain-list" });
  try {
    const records = await get("/api/account/sign-ins");
    if (!records.length) list.replaceChildren(h("li", {}, "No sign-ins yet."));
    else list.replaceChildren(...records.slice(0, 10).map((record) => h("li", {},
      h("strong", {}, EVENT_WORDS[record.event] || record.event), h("br"),
      h("span", { class: "small" }, `${record.device || "Unknown device"} — ${formatDateTime(record.at)}`))));
  } catch (error) {
    list.replaceChildren(h("li", {}, problem(error)));
  }
  return h("section", { class: "card", "aria-labelledby": "history-heading" },
    h("h2", { id: "history-heading" }, "Recent sign-ins"),
    h("p", { class: "small" }, "If you see one that wasn't you, change your password."),
    list);
}

async function supervisorsSection() {
  let content;
  try {
    const supervisors = await get("/api/account/supervisors");
    content = supervisors.length
      ? h("ul", { class: "plain-list" }, supervisors.map((s) => h("li", {}, s.display_name)))
      : h("p", {}, "You don't have a supervisor in Tend yet.");
  } catch (error) {
    content = h("p", {}, problem(error));
  }
  return h("section", { class: "card", "aria-labelledby": "supervisors-heading" },
    h("h2", { id: "supervisors-heading" }, "Your supervisors"),
    content,
    h("p", { class: "small" }, "They see nothing of yours unless you choose to share it."));
}

function leaveSection() {
  const status = notice();
  const out = h("button", {
    type: "button",
    class: "button secondary",
    onclick: async () => {
      try {
        await busy(out, "Signing out…", () => signOut());
        location.assign("/");
      } catch (error) {
        status.error(error instanceof OfflineError
          ? "You need a connection to sign out. Lock now works offline." : problem(error));
      }
    },
  }, "Sign out");
  return h("section", { class: "card", "aria-labelledby": "leave-heading" },
    h("h2", { id: "leave-heading" }, "Lock or sign out"),
    h("p", { class: "small" }, "Lock puts your notes away until you enter your password. "
      + "Sign out also removes everything Tend keeps on this device."),
    status.element,
    h("div", { class: "button-row" },
      h("button", { type: "button", class: "button", onclick: () => lock() }, "Lock now"), out));
}

function dataSection() {
  return h("section", { class: "card", "aria-labelledby": "data-heading" },
    h("h2", { id: "data-heading" }, "Your data"),
    h("p", { class: "small" }, "Keep a copy, make a backup, see what the server holds, or delete your account."),
    h("p", {}, h("a", { href: "/your-data" }, "Your data")));
}

function remindersSection() {
  return h("section", { class: "card", "aria-labelledby": "reminders-heading" },
    h("h2", { id: "reminders-heading" }, "Reminders"),
    h("p", { class: "small" }, "When Tend may nudge you, on which phone, and when never."),
    h("p", {}, h("a", { href: "/reminders" }, "Your reminders")));
}

export async function settingsView() {
  const { me, offline } = current();
  const sections = offline
    ? [h("p", {}, "Most settings need a connection. You can still lock Tend, and keep a copy of your data, on this device."),
      dataSection(), leaveSection()]
    : [nameSection(me), remindersSection(), passwordSection(), recoverySection(), await devicesSection(),
      await historySection(), await supervisorsSection(), dataSection(), leaveSection()];
  return { title: "Settings", content: page("Settings", ...sections) };
}
