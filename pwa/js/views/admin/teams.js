/* Teams (homes, services): add one, or rename one. */
import { h } from "../../dom.js";
import { ApiError, patch, post } from "../../api.js";
import { busy, field, notice } from "../../ui.js";
import { errorText, keyedList } from "./common.js";

function countWords(count) {
  if (!count) return "Nobody yet";
  return count === 1 ? "1 person" : `${count} people`;
}

function teamItem(first, admin) {
  let team = first;
  const name = h("h3", { tabindex: "-1" });
  const count = h("p", { class: "small" });
  const status = notice();
  const toggle = h("button", {
    type: "button", class: "button secondary small-button", "aria-expanded": "false",
  }, "Rename");
  const formSlot = h("div", { hidden: true });
  const element = h("li", { class: "admin-item team-item" },
    h("div", { class: "team-row" }, h("div", {}, name, count), toggle),
    status.element, formSlot);

  function open(shown) {
    toggle.setAttribute("aria-expanded", String(shown));
    formSlot.hidden = !shown;
    if (!shown) return;
    const rename = field({ label: `New name for ${team.name}`, name: "team_name", maxlength: 80, value: team.name });
    const save = h("button", { type: "submit", class: "button small-button" }, "Save name");
    const cancel = h("button", { type: "button", class: "button secondary small-button" }, "Cancel");
    cancel.addEventListener("click", () => {
      open(false);
      toggle.focus();
    });
    const form = h("form", { novalidate: true }, rename.element, h("div", { class: "button-row" }, save, cancel));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      status.clear();
      const wanted = rename.input.value.trim();
      if (!wanted) {
        rename.setError("Please give the team a name.");
        rename.input.focus();
        return;
      }
      try {
        await busy(save, "Saving…", () => patch(`/api/admin/teams/${team.id}`, { name: wanted }));
        open(false);
        await admin.refresh();
        status.info(`Renamed to ${wanted}.`);
        toggle.focus();
      } catch (error) {
        if (error instanceof ApiError && error.status < 500) {
          rename.setError(error.message);
          rename.input.focus();
        } else {
          status.error(errorText(error));
        }
      }
    });
    formSlot.replaceChildren(form);
    rename.input.focus();
  }
  toggle.addEventListener("click", () => open(toggle.getAttribute("aria-expanded") !== "true"));

  function draw(value) {
    team = value;
    name.textContent = team.name;
    count.textContent = countWords(team.count);
    toggle.setAttribute("aria-label", `Rename ${team.name}`);
  }
  draw(first);
  return { element, update: draw };
}

export function teamsSection(admin) {
  const status = notice();
  const list = keyedList({ class: "admin-list" }, (team) => teamItem(team, admin));
  const empty = h("p", {}, "No teams yet. Add the homes or teams people work in.");
  const newName = field({
    label: "Add a team", name: "new_team", maxlength: 80,
    hint: "For example, the name of a home or a service.",
  });
  const add = h("button", { type: "submit", class: "button small-button" }, "Add team");
  const form = h("form", { novalidate: true, class: "add-team" }, newName.element,
    h("div", { class: "button-row" }, add), status.element);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.clear();
    const name = newName.input.value.trim();
    if (!name) {
      newName.setError("Please give the team a name.");
      newName.input.focus();
      return;
    }
    try {
      await busy(add, "Adding…", () => post("/api/admin/teams", { name }));
      newName.input.value = "";
      await admin.refresh();
      status.info(`${name} added. You can now choose it when you invite someone.`);
    } catch (error) {
      if (error instanceof ApiError && error.status < 500) {
        newName.setError(error.message);
        newName.input.focus();
      } else {
        status.error(errorText(error));
      }
    }
  });

  function update(data) {
    const counts = new Map();
    for (const person of data.people) {
      if (person.active && person.team) counts.set(person.team.id, (counts.get(person.team.id) || 0) + 1);
    }
    list.update(data.organisation.teams.map((team) => ({ ...team, count: counts.get(team.id) || 0 })));
    empty.hidden = data.organisation.teams.length > 0;
  }
  update(admin.data);
  return {
    element: h("section", { class: "admin-section", "aria-labelledby": "teams" },
      h("h2", { id: "teams", tabindex: "-1" }, "Teams"),
      empty, list.element, form),
    update,
  };
}
