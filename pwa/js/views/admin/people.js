/* People: what each person can do, their team and supervisors; change them, or close an
   account (which signs them out everywhere at once). Nothing here touches private notes. */
import { h } from "../../dom.js";
import { del, patch, post, put } from "../../api.js";
import { busy, notice } from "../../ui.js";
import {
  askFirst, capitalised, errorText, keepFocus, keyedList, rolePicker, roleWords,
  supervisorPicker, supervisorsAmong, teamPicker,
} from "./common.js";

const sameSet = (a, b) => a.length === b.length && a.every((item) => b.includes(item));

function summary(person) {
  const names = person.supervisors.map((supervisor) => supervisor.display_name);
  return [
    person.active ? null : h("p", {},
      h("strong", { class: "state closed" }, "Account closed."), " They can't sign in."),
    h("p", {}, capitalised(roleWords(person.roles))),
    h("p", {}, person.team ? `Team: ${person.team.name}` : "No team"),
    h("p", {}, names.length
      ? `Supervisor${names.length > 1 ? "s" : ""}: ${names.join(", ")}` : "No supervisor"),
    h("p", { class: "small" }, person.email),
  ];
}

/** The form to change roles, team and supervisors; calls `onSaved` once saved. */
function editor(person, data, onSaved) {
  const status = notice();
  const roles = rolePicker({ legend: "What can they do?", name: `roles-${person.id}`, roles: person.roles });
  const team = teamPicker({
    label: "Team", name: `team-${person.id}`, teams: data.organisation.teams, teamId: person.team?.id || "",
  });
  let people = data.people;
  const supervisors = supervisorPicker({
    legend: "Supervisors",
    name: `supervisors-${person.id}`,
    none: "No one else has the supervisor role at the moment.",
    people: supervisorsAmong(data.people, person.id),
    chosen: person.supervisors.map((supervisor) => supervisor.id),
  });
  const save = h("button", { type: "submit", class: "button small-button" }, "Save changes");
  const form = h("form", { novalidate: true, class: "edit-form" },
    roles.element, team.element, supervisors.element, status.element,
    h("div", { class: "button-row" }, save));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.clear();
    if (!roles.validate()) return;
    const change = {};
    if (!sameSet(roles.chosen(), person.roles)) change.roles = roles.chosen();
    const teamId = team.select.value;
    if (teamId !== (person.team?.id || "")) {
      if (teamId) change.team_id = teamId;
      else change.clear_team = true;
    }
    const available = supervisorsAmong(people, person.id).map((p) => p.id);
    const current = person.supervisors.map((s) => s.id).filter((id) => available.includes(id));
    const chosen = supervisors.chosen();
    if (!Object.keys(change).length && sameSet(chosen, current)) {
      status.info("Nothing has changed yet.");
      return;
    }
    try {
      await busy(save, "Saving…", async () => {
        if (Object.keys(change).length) await patch(`/api/admin/people/${person.id}`, change);
        if (!sameSet(chosen, current)) {
          await put(`/api/admin/people/${person.id}/supervisors`, { supervisor_ids: chosen });
        }
      });
      await onSaved();
    } catch (error) {
      status.error(errorText(error));
    }
  });
  return {
    element: form,
    update(fresh) {
      people = fresh.people;
      team.update(fresh.organisation.teams);
      supervisors.update(supervisorsAmong(fresh.people, person.id));
    },
  };
}

function personItem(first, admin, sectionStatus) {
  let person = first;
  const me = admin.me.id === person.id;
  const heading = h("h3", { tabindex: "-1" });
  const details = h("div", {});
  const status = notice();
  const summaryLine = h("summary", {}, `Edit ${person.display_name}`);
  const formSlot = h("div", {});
  const account = h("div", { class: "account-action" });
  const disclosure = h("details", { class: "edit" }, summaryLine, formSlot, account);
  const element = h("li", { class: "admin-item" }, heading, details, status.element, disclosure);
  let form;

  async function saved() {
    disclosure.open = false;
    await admin.refresh();
    status.info(`Changes saved for ${person.display_name}.`);
    summaryLine.focus();
  }

  function drawForm() {
    form = editor(person, admin.data, saved);
    formSlot.replaceChildren(form.element);
  }

  function setActive(active) {
    status.clear();
    const name = person.display_name;
    const words = active ? {
      question: `Reopen ${name}'s account?`,
      explain: "They'll be able to sign in again with their own password.",
      confirm: "Yes, reopen it",
      cancel: "Not now",
      busyText: "Reopening…",
      done: `${name}'s account is open again.`,
    } : {
      question: `Close ${name}'s account?`,
      explain: "Their sessions end at once, on every device, and they can't sign in until "
        + "an admin reopens the account. Their private notes stay locked: nobody can read them.",
      confirm: "Yes, close it",
      cancel: "Keep it open",
      busyText: "Closing…",
      done: `${name}'s account is closed. They've been signed out everywhere.`,
    };
    askFirst(account, {
      ...words,
      run: async () => {
        await post(`/api/admin/people/${person.id}/${active ? "reactivate" : "deactivate"}`);
        disclosure.open = false;
        await admin.refresh();
        status.info(words.done);
        keepFocus(heading);
      },
      onError: (error) => status.error(errorText(error)),
    });
  }

  function deleteAccount() {
    status.clear();
    const name = person.display_name;
    askFirst(account, {
      question: `Delete ${name}'s account for good?`,
      explain: "For someone who has left. Everything of theirs is deleted at once: their "
        + "private notes, what they shared, their requests and reminders. Their devices are "
        + "cleared when they next connect. This can't be undone.",
      confirm: "Yes, delete it",
      cancel: "Keep it",
      busyText: "Deleting…",
      run: async () => {
        await del(`/api/admin/people/${person.id}`);
        sectionStatus.info(`${name}'s account has been deleted, with everything in it.`);
        await admin.refresh();
        document.getElementById("people")?.focus();
      },
      onError: (error) => status.error(errorText(error)),
    });
  }

  function drawAccount() {
    if (me) {
      account.replaceChildren(h("p", { class: "small" },
        "You can't close or delete your own account here. Another admin can, or you can "
        + "delete it yourself from Your data in Settings."));
      return;
    }
    const button = h("button", { type: "button", class: "button secondary small-button" },
      person.active ? "Close account" : "Reopen account");
    button.addEventListener("click", () => setActive(!person.active));
    const remove = h("button", { type: "button", class: "button caution small-button" }, "Delete account");
    remove.addEventListener("click", deleteAccount);
    account.replaceChildren(
      h("p", { class: "small" }, person.active
        ? "Closing an account signs them out everywhere at once."
        : "Reopening lets them sign in again."),
      h("div", { class: "button-row" }, button, remove));
  }

  function draw(value) {
    const activeChanged = value.active !== person.active;
    person = value;
    heading.textContent = me ? `${person.display_name} (you)` : person.display_name;
    details.replaceChildren(...summary(person).filter(Boolean));
    summaryLine.textContent = `Edit ${person.display_name}`;
    if (disclosure.open) form.update(admin.data);
    else drawForm();
    if (activeChanged) drawAccount();
  }

  draw(first);
  drawAccount();
  return { element, update: draw };
}

export function peopleSection(admin) {
  const status = notice();
  const list = keyedList({ class: "admin-list" }, (person) => personItem(person, admin, status));
  list.update(admin.data.people);
  return {
    element: h("section", { class: "admin-section", "aria-labelledby": "people" },
      h("h2", { id: "people", tabindex: "-1" }, "People"),
      h("p", {}, "Everyone who has joined. Changing what someone can do never opens their "
        + "private notes."),
      status.element,
      list.element),
    update: (data) => list.update(data.people),
  };
}
