/* The recovery code, shown once: copy it, download it, and say it has been saved. */
import { h } from "../dom.js";
import { checkbox, notice, page } from "../ui.js";

function download(code) {
  const text = [
    "Your Tend recovery code",
    "",
    code,
    "",
    "If you forget your password, this code lets you back in to your private notes.",
    "Keep it somewhere safe and private, like a password manager or a locked drawer.",
    "Nobody at your organisation can recover your notes without it.",
    "",
  ].join("\n");
  const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
  const link = h("a", { href: url, download: "tend-recovery-code.txt", hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/**
 * @param {{code: string, lead?: string, onDone: () => void}} options
 * @returns {HTMLElement} a whole page
 */
export function recoveryCodePage({ code, lead, onDone }) {
  const status = notice();
  const saved = checkbox({ label: "I've saved my recovery code somewhere safe", name: "saved" });
  const copy = h("button", {
    type: "button",
    class: "button secondary small-button",
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(code);
        status.info("Recovery code copied.");
      } catch (error) {
        status.error("Copying didn't work here. Please write the code down or download it.");
      }
    },
  }, "Copy code");
  const save = h("button", {
    type: "button",
    class: "button secondary small-button",
    onclick: () => {
      download(code);
      status.info("Saved as tend-recovery-code.txt in your downloads.");
    },
  }, "Download as a file");
  const done = h("button", {
    type: "button",
    class: "button",
    onclick: () => {
      if (!saved.input.checked) {
        status.error("Please tick the box once your recovery code is saved.");
        saved.input.focus();
        return;
      }
      onDone();
    },
  }, "Continue");
  return page("Save your recovery code",
    h("p", { class: "lead" }, lead
      || "If you ever forget your password, this code is the only way back to your private notes."),
    h("p", { class: "recovery-code", "data-testid": "recovery-code" }, code),
    h("div", { class: "button-row" }, copy, save),
    h("p", {},
      "Keep it somewhere private, like a password manager. Nobody at your organisation, "
      + "and nobody at Tend, can recover your notes without it. You'll only see it this once."),
    status.element,
    saved.element,
    h("p", { class: "actions" }, done));
}
