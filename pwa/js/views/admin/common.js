/* Pieces the admin screen's sections share: role words, pickers, a confirmation step,
   lists that update in place (so focus and open forms survive a refresh). */
import { h } from "../../dom.js";
import { ApiError, OfflineError } from "../../api.js";
import { checkbox, page } from "../../ui.js";

export const ROLES = [
  { role: "worker", label: "Team member" },
  { role: "supervisor", label: "Supervisor" },
  { role: "admin", label: "Admin" },
];

const ROLE_WORDS = { worker: "team member", supervisor: "supervisor", admin: "admin" };

/** "team member and supervisor" */
export function roleWords(roles) {
  const words = ROLES.filter(({ role }) => roles.includes(role)).map(({ role }) => ROLE_WORDS[role]);
  if (words.length < 2) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

/** "Team member and supervisor" */
export function capitalised(text) {
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}

/**
 * An admin page that couldn't load: what happened, and "Try again", which draws the page
 * afresh with `view()` in place and puts focus on its heading.
 */
export function couldNotLoad({ title, lead, error, view }) {
  const retry = h("button", { type: "button", class: "button" }, "Try again");
  const content = page(title,
    h("p", { class: "lead" }, lead),
    h("div", { class: "notice error", role: "alert" }, h("p", {}, errorText(error))),
    h("p", { class: "actions" }, retry));
  retry.addEventListener("click", async () => {
    const fresh = await view();
    content.replaceWith(fresh.content);
    fresh.content.querySelector("h1").focus();
  });
  return { title, content };
}

/** The words to show a person when something failed. */
export function errorText(error) {
  if (error instanceof ApiError || error instanceof OfflineError) return error.message;
  return "Something went wrong. Please try again.";
}

/** Active people with the supervisor role, except `exceptId`. */
export function supervisorsAmong(people, exceptId) {
  return people.filter((p) => p.active && p.roles.includes("supervisor") && p.id !== exceptId);
}

/** Role checkboxes in a fieldset; `chosen()` lists the ticked roles. */
export function rolePicker({ legend, name, roles = [] }) {
  const boxes = ROLES.map(({ role, label }) => ({
    role, ...checkbox({ label, name, value: role, checked: roles.includes(role) }),
  }));
  const errorId = `${name}-error-${Math.random().toString(36).slice(2, 8)}`;
  const error = h("p", { id: errorId, class: "field-error", hidden: true });
  const element = h("fieldset", { class: "choices" }, h("legend", {}, legend),
    h("p", { class: "field-hint" },
      "Supervisors and admins can be team members too, with their own private space."),
    error, boxes.map((box) => box.element));
  for (const box of boxes) box.input.addEventListener("change", () => setError(""));
  function setError(message) {
    error.textContent = message;
    error.hidden = !message;
    for (const box of boxes) {
      if (message) box.input.setAttribute("aria-describedby", errorId);
      else box.input.removeAttribute("aria-describedby");
    }
  }
  return {
    element,
    chosen: () => boxes.filter((box) => box.input.checked).map((box) => box.role),
    /** At least one role must be ticked; says so and focuses the first box if not. */
    validate() {
      if (boxes.some((box) => box.input.checked)) return true;
      setError("Please choose at least one.");
      boxes[0].input.focus();
      return false;
    },
  };
}

/** A labelled team select with "No team"; `update` keeps the choice when teams change. */
export function teamPicker({ label, name, teams, teamId = "" }) {
  const id = `${name}-${Math.random().toString(36).slice(2, 8)}`;
  const select = h("select", { id, name });
  const element = h("div", { class: "field" }, h("label", { for: id }, label), select);
  function update(list) {
    const keep = select.value || teamId;
    select.replaceChildren(h("option", { value: "" }, "No team"),
      ...list.map((team) => h("option", { value: team.id }, team.name)));
    select.value = list.some((team) => team.id === keep) ? keep : "";
  }
  update(teams);
  return { element, select, update };
}

/** Checkboxes for choosing supervisors; `update` keeps the ticks when people change. */
export function supervisorPicker({ legend, name, hint, none, people, chosen = [] }) {
  const list = h("div", {});
  const element = h("fieldset", { class: "choices" }, h("legend", {}, legend),
    hint ? h("p", { class: "field-hint" }, hint) : null, list);
  let boxes = [];
  function update(supervisors) {
    const ticked = boxes.length ? boxes.filter((b) => b.input.checked).map((b) => b.id) : chosen;
    boxes = supervisors.map((person) => ({
      id: person.id,
      ...checkbox({ label: person.display_name, name, value: person.id, checked: ticked.includes(person.id) }),
    }));
    list.replaceChildren(...(boxes.length
      ? boxes.map((box) => box.element)
      : [h("p", { class: "small" }, none)]));
  }
  update(people);
  return { element, update, chosen: () => boxes.filter((b) => b.input.checked).map((b) => b.id) };
}

/**
 * Ask before doing something that can't be undone. Replaces `container`'s contents with
 * the question and two buttons, and puts them back on cancel.
 * @param {{question: string, explain: string, confirm: string, cancel: string,
 *   busyText: string, run: () => Promise<void>, onError: (error: Error) => void}} options
 */
export function askFirst(container, { question, explain, confirm, cancel, busyText, run, onError }) {
  const before = [...container.childNodes];
  const trigger = document.activeElement;
  const id = `ask-${Math.random().toString(36).slice(2, 8)}`;
  const yes = h("button", { type: "button", class: "button small-button" }, confirm);
  const no = h("button", { type: "button", class: "button secondary small-button" }, cancel);
  const group = h("div", {
    class: "confirm", role: "group", "aria-labelledby": `${id}-q`, "aria-describedby": `${id}-why`,
  },
  h("p", {}, h("strong", { id: `${id}-q` }, question), " ", h("span", { id: `${id}-why` }, explain)),
  h("div", { class: "button-row" }, yes, no));
  function restore({ focus }) {
    container.replaceChildren(...before);
    if (focus) (container.contains(trigger) ? trigger : container.querySelector("button"))?.focus();
  }
  no.addEventListener("click", () => restore({ focus: true }));
  yes.addEventListener("click", async () => {
    yes.disabled = no.disabled = true;
    yes.textContent = busyText;
    try {
      await run();
      // Whoever ran it usually redraws the container; if not, put the buttons back.
      if (group.isConnected) restore({ focus: false });
    } catch (error) {
      restore({ focus: true });
      onError(error);
    }
  });
  container.replaceChildren(group);
  no.focus();
}

/**
 * A list whose items are kept (by id) across updates: only what changed is redrawn.
 * @param {(value: object) => {element: HTMLElement, update: (value: object) => void}} create
 */
export function keyedList(props, create) {
  const element = h("ul", props);
  const items = new Map();
  return {
    element,
    update(values) {
      const nodes = values.map((value) => {
        let item = items.get(value.id);
        if (item) item.update(value);
        else items.set(value.id, (item = create(value)));
        return item.element;
      });
      const wanted = new Set(values.map((value) => value.id));
      for (const id of [...items.keys()]) if (!wanted.has(id)) items.delete(id);
      nodes.forEach((node, index) => {
        if (element.children[index] !== node) element.insertBefore(node, element.children[index] || null);
      });
      while (element.children.length > nodes.length) element.lastElementChild.remove();
    },
  };
}

/** If the focused control has gone (redrawn), put focus on `fallback` instead. */
export function keepFocus(fallback) {
  if (!document.activeElement || document.activeElement === document.body
    || !document.activeElement.isConnected) {
    fallback.focus();
  }
}
