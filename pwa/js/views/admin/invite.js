/* Invite someone: what they can do, their team and supervisors, and a one-time link. */
import { h } from "../../dom.js";
import { ApiError, post } from "../../api.js";
import { busy, field, notice, showFieldErrors } from "../../ui.js";
import { errorText, rolePicker, supervisorPicker, supervisorsAmong, teamPicker } from "./common.js";
import { oneTimeLink } from "./one-time-link.js";

/**
 * @param {{data: object, refresh: () => Promise<void>}} admin
 */
export function inviteSection(admin) {
  const status = notice();
  const result = h("div", { class: "invite-result" });
  const roles = rolePicker({ legend: "What can they do?", name: "invite_roles", roles: ["worker"] });
  const team = teamPicker({ label: "Team", name: "invite_team", teams: admin.data.organisation.teams });
  const supervisors = supervisorPicker({
    legend: "Supervisors (optional)",
    name: "invite_supervisors",
    hint: "Who will offer them supervision. You can change this later.",
    none: "No one has the supervisor role yet. You can choose supervisors later.",
    people: supervisorsAmong(admin.data.people),
  });
  const label = field({
    label: "Who is it for? (only admins see this)",
    name: "label",
    required: false,
    maxlength: 80,
    hint: "A name or note to help you recognise the invitation, like “Jade, nights”.",
  });
  const submit = h("button", { type: "submit", class: "button" }, "Create invitation");
  const form = h("form", { novalidate: true },
    roles.element, team.element, supervisors.element, label.element,
    status.element, h("p", { class: "actions" }, submit));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.clear();
    if (!roles.validate()) return;
    try {
      const created = await busy(submit, "Creating…", () => post("/api/admin/invitations", {
        roles: roles.chosen(),
        team_id: team.select.value || null,
        supervisor_ids: supervisors.chosen(),
        label: label.input.value.trim(),
      }));
      label.input.value = "";
      const panel = oneTimeLink(created, { heading: "Your invitation is ready" });
      result.replaceChildren(panel);
      panel.querySelector("h3").focus();
      await admin.refresh();
    } catch (error) {
      if (!(error instanceof ApiError && showFieldErrors(error, { label }))) {
        status.error(errorText(error));
      }
    }
  });

  return {
    element: h("section", { class: "admin-section", "aria-labelledby": "invite" },
      h("h2", { id: "invite", tabindex: "-1" }, "Invite someone"),
      h("p", {}, "Tend makes a link that works once. Send it to them privately, or let them "
        + "scan its QR code. They choose their own password when they join."),
      form, result),
    update(data) {
      team.update(data.organisation.teams);
      supervisors.update(supervisorsAmong(data.people));
    },
  };
}
