/* Invitations so far: where each stands, a new link for one not yet used, or withdraw it. */
import { h } from "../../dom.js";
import { del, post } from "../../api.js";
import { busy, formatDateTime, notice } from "../../ui.js";
import { askFirst, capitalised, errorText, keepFocus, keyedList, roleWords } from "./common.js";
import { oneTimeLink } from "./one-time-link.js";

function statusWords(invitation) {
  const until = formatDateTime(invitation.expires_at);
  return {
    pending: ["Waiting to be used", `The link works until ${until}.`],
    accepted: ["Used", "They've joined."],
    expired: ["Expired", `The link stopped working on ${until}.`],
    revoked: ["Withdrawn", "The link no longer works."],
  }[invitation.status];
}

function describe(invitation) {
  const team = invitation.team ? ` in ${invitation.team.name}` : "";
  const names = invitation.supervisors.map((person) => person.display_name);
  const supervisors = names.length
    ? ` Supervisor${names.length > 1 ? "s" : ""}: ${names.join(", ")}.` : "";
  return `${capitalised(roleWords(invitation.roles))}${team}.${supervisors}`;
}

function invitationItem(first, admin) {
  let invitation = first;
  const heading = h("h3", { tabindex: "-1" });
  const details = h("div", {});
  const status = notice();
  const actions = h("div", { class: "button-row" });
  const result = h("div", {});
  const element = h("li", { class: "admin-item" }, heading, details, status.element, actions, result);

  async function sendNewLink(button) {
    status.clear();
    const run = async () => {
      const sent = await post(`/api/admin/invitations/${invitation.id}/resend`);
      const panel = oneTimeLink(sent, { heading: "Here is the new link", replaced: true });
      result.replaceChildren(panel);
      await admin.refresh();
      panel.querySelector("h3").focus();
    };
    if (invitation.status !== "pending") {
      try {
        await busy(button, "Sending…", run);
      } catch (error) {
        status.error(errorText(error));
      }
      return;
    }
    askFirst(actions, {
      question: "Send a new link?",
      explain: "The link you sent before will stop working.",
      confirm: "Yes, send a new link",
      cancel: "Keep the old link",
      busyText: "Sending…",
      run,
      onError: (error) => status.error(errorText(error)),
    });
  }

  function withdraw() {
    status.clear();
    askFirst(actions, {
      question: "Withdraw this invitation?",
      explain: "Its link will stop working. You can invite them again at any time.",
      confirm: "Yes, withdraw it",
      cancel: "Keep it",
      busyText: "Withdrawing…",
      run: async () => {
        await del(`/api/admin/invitations/${invitation.id}`);
        await admin.refresh();
        status.info("Invitation withdrawn. Its link no longer works.");
        keepFocus(heading);
      },
      onError: (error) => status.error(errorText(error)),
    });
  }

  function drawActions() {
    const buttons = [];
    if (["pending", "expired"].includes(invitation.status)) {
      const resend = h("button", { type: "button", class: "button secondary small-button" },
        "Send a new link");
      resend.addEventListener("click", () => sendNewLink(resend));
      buttons.push(resend);
    }
    if (invitation.status === "pending") {
      buttons.push(h("button", { type: "button", class: "button secondary small-button", onclick: withdraw },
        "Withdraw"));
    }
    actions.replaceChildren(...buttons);
    actions.hidden = !buttons.length;
    if (invitation.status !== "pending") result.replaceChildren();
  }

  function draw(value) {
    const statusChanged = invitation.status !== value.status;
    invitation = value;
    const [state, explain] = statusWords(invitation);
    heading.textContent = invitation.label || `For a new ${roleWords(invitation.roles)}`;
    details.replaceChildren(
      h("p", {}, h("strong", { class: `state ${invitation.status}` }, `${state}.`), " ", explain),
      h("p", {}, describe(invitation)),
      h("p", { class: "small" }, `Made on ${formatDateTime(invitation.created_at)}.`));
    if (statusChanged) drawActions();
  }

  draw(first);
  drawActions();
  return { element, update: draw };
}

export function invitationsSection(admin) {
  const empty = h("p", {}, "No invitations yet. When you invite someone, it will show here.");
  const list = keyedList({ class: "admin-list" }, (invitation) => invitationItem(invitation, admin));
  function update(data) {
    list.update(data.invitations);
    empty.hidden = data.invitations.length > 0;
  }
  update(admin.data);
  return {
    element: h("section", { class: "admin-section", "aria-labelledby": "invitations" },
      h("h2", { id: "invitations", tabindex: "-1" }, "Invitations"),
      h("p", {}, "Each link works once. An invitation nobody has used yet can be withdrawn, "
        + "or sent again with a new link."),
      empty, list.element),
    update,
  };
}
