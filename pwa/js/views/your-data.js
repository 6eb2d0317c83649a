/* Your data: copies she can keep (readable and JSON, made here, offline too), an encrypted
   backup and restoring one, what the server holds about her, and deleting her account. */
import { h } from "../dom.js";
import { ApiError, OfflineError, get, post } from "../api.js";
import { makeBackup, openBackup, previewRestore, readBackup, restoreBackup, BackupError } from "../backup.js";
import { b64url, deriveAccountKeys } from "../crypto.js";
import { buildExport, countWords, fileDay, renderReadable, saveFile } from "../export.js";
import * as keystore from "../keystore.js";
import { passwordField } from "../password.js";
import { clearDevice, current, endedHere } from "../session.js";
import { syncNow } from "../sync.js";
import { refresh } from "../router.js";
import { busy, checkbox, formatDay, notice, page } from "../ui.js";

function problem(error) {
  if (error instanceof BackupError || error instanceof ApiError) return error.message;
  if (error instanceof OfflineError) return "This needs a connection. Please try again when you're online.";
  console.warn(error);
  return "Something went wrong. Nothing has been changed. Please try again.";
}

function card(id, title, ...children) {
  return h("section", { class: "card", "aria-labelledby": id }, h("h2", { id }, title), ...children);
}

function passwordFirst(id, label = "Your password") {
  return passwordField({ id, label, autocomplete: "current-password", meter: false });
}

/** A form's outcome, also read out with the password field it is about. */
function tiedNotice(password) {
  const status = notice();
  status.element.id = `${password.input.id}-outcome`;
  const described = password.input.getAttribute("aria-describedby");
  password.input.setAttribute("aria-describedby", [described, status.element.id].filter(Boolean).join(" "));
  password.input.addEventListener("input", () => password.input.removeAttribute("aria-invalid"));
  return status;
}

function passwordProblem(password, status, message) {
  status.error(message);
  password.input.setAttribute("aria-invalid", "true");
  password.input.focus();
  return false;
}

/** Her password, checked against the key kept here (offline too); focus and say so if not. */
async function confirmed(password, status) {
  status.clear();
  if (!password.input.value) return passwordProblem(password, status, "Please enter your password first.");
  if (!(await keystore.passwordOpens(password.input.value))) {
    return passwordProblem(password, status, "That password isn't right. Please try again.");
  }
  return true;
}

function copySection() {
  const password = passwordFirst("export-password");
  const status = tiedNotice(password);
  const readable = h("button", { type: "submit", class: "button small-button" }, "Save a readable copy");
  const data = h("button", { type: "button", class: "button secondary small-button" }, "Save as data (JSON)");
  const form = h("form", { novalidate: true }, password.element, status.element,
    h("div", { class: "button-row" }, readable, data));
  async function save(button, kind) {
    if (button.disabled) return;
    try {
      const exported = await busy(button, "Making it…", async () => (
        (await confirmed(password, status)) ? buildExport() : null));
      if (!exported) return;
      const day = fileDay();
      if (kind === "html") {
        saveFile(`tend-export-${day}.html`, renderReadable(exported), "text/html");
      } else {
        saveFile(`tend-export-${day}.json`, `${JSON.stringify(exported, null, 2)}\n`, "application/json");
      }
      password.clear();
      status.info(exported.records.length
        ? `Saved: ${countWords(exported.records)}. Keep the file somewhere only you can open.`
        : "Saved. There's nothing in it yet: you haven't kept anything in Tend on this device.");
    } catch (error) {
      status.error(problem(error));
    }
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    save(readable, "html");
  });
  data.addEventListener("click", () => save(data, "json"));
  return card("copy-heading", "Keep a copy",
    h("p", {}, "Everything you've kept in Tend, opened on this device: your journal, check-ins, "
      + "self-care plan and the rest. The readable copy is a page you can open or print; the "
      + "data copy is for other apps."),
    h("p", { class: "small" }, "These files aren't encrypted: anyone who has one can read it. "
      + "Because of that, Tend asks for your password first. This works without a connection."),
    form);
}

function backupSection() {
  const status = notice();
  const make = h("button", { type: "button", class: "button small-button" }, "Save a backup");
  make.addEventListener("click", async () => {
    status.clear();
    try {
      const backup = await busy(make, "Making it…", () => makeBackup());
      saveFile(`tend-backup-${fileDay(backup.createdAt)}.tendbackup`, backup.text, "application/octet-stream");
      const opens = backup.withRecovery
        ? "It opens with your password as it is now, or with your recovery code."
        : "It opens with your password as it is now. (Backups made with a connection also open with your recovery code.)";
      const what = backup.upToDate ? "" : " It holds what's on this device: Tend couldn't check with the server just now.";
      const left = backup.leftOut
        ? ` ${backup.leftOut} ${backup.leftOut === 1 ? "item" : "items"} couldn't be opened on this device and ${backup.leftOut === 1 ? "was" : "were"} left out.`
        : "";
      status.info(`Saved a backup of ${backup.records} ${backup.records === 1 ? "item" : "items"}. ${opens}${what}${left}`);
    } catch (error) {
      status.error(problem(error));
    }
  });
  return card("backup-heading", "Encrypted backup",
    h("p", {}, "A file only your password or recovery code can open. Keep it anywhere: "
      + "on a memory stick, in your own cloud storage, or in an email to yourself."),
    h("p", { class: "small" }, "If you change your password later, this backup still opens with "
      + "the password you have today."),
    status.element, make);
}

function restoreSection() {
  const fileId = "restore-file";
  const file = h("input", { type: "file", id: fileId, accept: ".tendbackup,application/json,application/octet-stream" });
  const fileError = h("p", { id: `${fileId}-error`, class: "field-error", hidden: true });
  file.setAttribute("aria-describedby", fileError.id);
  const secret = passwordField({
    id: "restore-secret", label: "Password or recovery code for this backup",
    autocomplete: "off", meter: false,
    hint: "The password you had when you made the backup, or your recovery code.",
  });
  const status = notice();
  const open = h("button", { type: "submit", class: "button small-button" }, "Open backup");
  const preview = h("div", { class: "restore-preview", hidden: true });
  const form = h("form", { novalidate: true },
    h("div", { class: "field" }, h("label", { for: fileId }, "Backup file"), file, fileError),
    secret.element, status.element, open, preview);

  function fileProblem(message) {
    fileError.textContent = message;
    fileError.hidden = !message;
    if (message) file.setAttribute("aria-invalid", "true");
    else file.removeAttribute("aria-invalid");
  }
  file.addEventListener("change", () => { fileProblem(""); preview.hidden = true; });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.clear();
    preview.hidden = true;
    const chosen = file.files?.[0];
    if (!chosen) {
      fileProblem("Please choose a backup file.");
      file.focus();
      return;
    }
    if (!secret.input.value) {
      status.error("Please enter the password or recovery code for this backup.");
      secret.input.focus();
      return;
    }
    try {
      const { userId } = await keystore.loadUnlocked();
      const { backup, opened, changes } = await busy(open, "Opening…", async () => {
        const backup = readBackup(await chosen.text());
        const opened = await openBackup(backup, secret.input.value, userId);
        if (navigator.onLine) await syncNow().catch(() => {});
        return { backup, opened, changes: await previewRestore(opened, backup.user_id) };
      });
      secret.clear();
      showPreview(backup, opened, changes);
    } catch (error) {
      if (error instanceof BackupError && error.reason === "wrong-secret") {
        status.error(error.message);
        secret.input.focus();
      } else if (error instanceof BackupError) {
        fileProblem(error.message);
        file.focus();
      } else {
        status.error(problem(error));
      }
    }
  });

  function showPreview(backup, opened, changes) {
    const made = formatDay(fileDay(new Date(backup.created_at)), { year: "numeric" });
    const lines = [
      h("h3", { id: "restore-preview-heading", tabindex: "-1" }, `Backup from ${made}`),
      h("p", {}, opened.records.length ? `It holds ${countWords(opened.records)}.` : "It's empty."),
    ];
    if (!opened.sameAccount) {
      lines.push(h("p", { class: "small" }, "It was made with another Tend account. What you restore becomes yours, here."));
    }
    if (changes.here.length) {
      lines.push(h("p", {}, `${changes.here.length} of these ${changes.here.length === 1 ? "is" : "are"} already here and will stay as ${changes.here.length === 1 ? "it is" : "they are"}.`));
    }
    if (changes.unknown.length) {
      lines.push(h("p", { class: "small" }, `${changes.unknown.length} ${changes.unknown.length === 1 ? "item is" : "items are"} of a kind this version of Tend can't use yet, so ${changes.unknown.length === 1 ? "it stays" : "they stay"} in the backup. A readable copy shows ${changes.unknown.length === 1 ? "it" : "them"}.`));
    }
    if (!changes.add.length) {
      lines.push(h("p", {}, "Everything in it is already here, so there's nothing to restore."));
      preview.replaceChildren(...lines);
      preview.hidden = false;
      preview.querySelector("h3").focus();
      return;
    }
    const count = changes.add.length;
    lines.push(h("p", {}, `Restoring adds ${countWords(changes.add)}.`),
      changes.merges ? h("p", { class: "small" }, "The self-care plan in it is joined with yours, section by section.") : null);
    const go = h("button", { type: "button", class: "button small-button" }, `Restore ${count} ${count === 1 ? "item" : "items"}`);
    const cancel = h("button", { type: "button", class: "button secondary small-button" }, "Not now");
    const outcome = notice();
    outcome.element.tabIndex = -1;
    go.addEventListener("click", async () => {
      try {
        const result = await busy(go, "Restoring…", () => restoreBackup(opened, backup.user_id));
        outcome.info(`Restored ${result.added} ${result.added === 1 ? "item" : "items"}.`
          + (result.alreadyHere ? ` ${result.alreadyHere} ${result.alreadyHere === 1 ? "was" : "were"} already here.` : "")
          + (navigator.onLine ? " Your other devices will have them soon."
            : " Your other devices will have them once you're online."));
        cancel.hidden = true;
        go.hidden = true;
        outcome.element.focus();
      } catch (error) {
        outcome.error(problem(error));
      }
    });
    cancel.addEventListener("click", () => {
      preview.hidden = true;
      file.value = "";
      file.focus();
    });
    lines.push(outcome.element, h("div", { class: "button-row" }, go, cancel));
    preview.replaceChildren(...lines);
    preview.hidden = false;
    preview.querySelector("h3").focus();
  }

  return card("restore-heading", "Restore from a backup",
    h("p", {}, "Bring back what's in a backup, on this account. Anything already here stays as it "
      + "is, so restoring the same backup twice adds nothing twice."),
    form);
}

function serverSection() {
  const password = passwordFirst("server-data-password");
  const status = tiedNotice(password);
  const download = h("button", { type: "submit", class: "button secondary small-button" }, "Download what the server holds");
  const form = h("form", { novalidate: true }, password.element, status.element, download);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (download.disabled) return;
    try {
      const data = await busy(download, "Fetching…", async () => (
        (await confirmed(password, status)) ? get("/api/account/data") : null));
      if (!data) return;
      password.clear();
      saveFile(`tend-server-data-${fileDay()}.json`, `${JSON.stringify(data, null, 2)}\n`, "application/json");
      status.info("Saved. Your journal, check-ins and plan are in it only as encrypted data, which only your devices can read.");
    } catch (error) {
      status.error(problem(error));
    }
  });
  return card("server-heading", "What Tend's server holds about you",
    h("p", {}, "Your account details, where you're signed in, what you've shared and who saw it, "
      + "your requests, reminders and devices: everything the server keeps about you, as a file. "
      + "You can use it for a subject access request."),
    h("p", { class: "small" }, "The file isn't encrypted, so Tend asks for your password first."),
    form);
}

function deleteSection() {
  const password = passwordFirst("delete-password");
  const understood = checkbox({ label: "I understand this can't be undone", name: "delete-understood" });
  const status = tiedNotice(password);
  const go = h("button", { type: "submit", class: "button caution small-button" }, "Delete my account");
  const form = h("form", { novalidate: true }, password.element, understood.element, status.element, go);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.clear();
    if (!password.input.value) {
      passwordProblem(password, status, "Please enter your password.");
      return;
    }
    if (!understood.input.checked) {
      status.error("Please tick the box to say you understand this can't be undone.");
      understood.input.focus();
      return;
    }
    try {
      await busy(go, "Deleting…", async () => {
        const keys = await get("/api/account/keys");
        const { authKey } = await deriveAccountKeys(password.input.value, b64url.decode(keys.salt), keys.iterations);
        await post("/api/account/delete", { auth_key: b64url.encode(authKey) });
      });
    } catch (error) {
      if (error instanceof ApiError && error.code === "wrong_password") {
        passwordProblem(password, status, "That password isn't right. Nothing has been deleted.");
      } else {
        status.error(problem(error));
      }
      return;
    }
    await clearDevice().catch(() => {});
    // The farewell page leads itself: signing out must not swap it for the sign-in page.
    history.replaceState({}, "", "/goodbye");
    endedHere("account_deleted");
    refresh();
  });
  return card("delete-heading", "Delete your account",
    h("p", {}, "This deletes your account and everything in it at once: your journal, check-ins, "
      + "plan, what you've shared, your requests and reminders. Your supervisors will no "
      + "longer see anything you shared."),
    h("p", { class: "small" }, "If you might want any of it later, save a backup or a copy first."),
    form);
}

export async function yourDataView() {
  const { offline } = current();
  const sections = [copySection(), backupSection(), restoreSection()];
  if (offline || !navigator.onLine) {
    sections.push(h("p", { class: "small" }, "Downloading what the server holds, and deleting your "
      + "account, need a connection."));
  } else {
    sections.push(serverSection(), deleteSection());
  }
  return { title: "Your data", content: page("Your data", ...sections) };
}
