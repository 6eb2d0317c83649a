/* Support and prompts (admins): the organisation's own support resources, in the order
   people see them under "Get support", and the journal prompts and feeling words it adds
   to Tend's. Everything here is for everyone (or for chosen teams): nothing personal.
   People's phones pick changes up at their next sync. */
import { h } from "../dom.js";
import { ApiError, del, get, post, put } from "../api.js";
import { MOMENTS, FEELING_WORDS } from "../prompts.js";
import { busy, checkbox, field, notice, page, showFieldErrors } from "../ui.js";
import { askFirst, couldNotLoad, errorText, keepFocus, keyedList } from "./admin/common.js";

const asList = (body, key) => (Array.isArray(body) ? body : body?.[key] ?? []);
const momentTitle = (id) => MOMENTS.find((moment) => moment.id === id)?.title ?? id;

async function loadResources() {
  return asList(await get("/api/admin/support-resources"), "resources");
}

async function load() {
  const [organisation, resources, library] = await Promise.all([
    get("/api/admin/organisation"), loadResources(), get("/api/admin/library"),
  ]);
  return { organisation, resources, library };
}

/** A polite, unseen voice for what just happened (a move keeps focus where it was, so
    nothing else would say so). */
function announcer() {
  const element = h("p", { class: "visually-hidden", role: "status" });
  return {
    element,
    say(message) {
      element.textContent = "";
      // A new text node after a tick, so the same words twice are announced twice.
      setTimeout(() => { element.textContent = message; }, 50);
    },
  };
}

/** A field's error, then focus on the first field that has one. */
function showErrors(error, fields, status) {
  if (error instanceof ApiError && error.status === 422 && showFieldErrors(error, fields)) {
    const names = error.details.map((detail) => detail.field.split(".").pop());
    const first = Object.entries(fields).find(([name]) => names.includes(name));
    first?.[1].focus();
    return;
  }
  status.error(errorText(error));
}

// ── support resources ───────────────────────────────────────────────────────────────

/** Team checkboxes; none ticked means everyone, and a line under them says which. */
function teamChoice(teams, chosen) {
  const id = `teams-${Math.random().toString(36).slice(2, 8)}`;
  const boxes = teams.map((team) => ({
    id: team.id, ...checkbox({ label: team.name, name: "team_ids", value: team.id, checked: chosen.includes(team.id) }),
  }));
  const who = h("p", { class: "library-who", id: `${id}-who` });
  const error = h("p", { class: "field-error", id: `${id}-error`, hidden: true });
  const element = h("fieldset", { class: "choices", "aria-describedby": `${id}-hint ${id}-who` },
    h("legend", {}, "Who sees it"),
    h("p", { class: "field-hint", id: `${id}-hint` }, "Tick teams to show it only to them. With none ticked, everyone sees it."),
    error,
    teams.length ? boxes.map((box) => box.element) : h("p", { class: "small" }, "There are no teams yet."),
    who);
  const ticked = () => boxes.filter((box) => box.input.checked);
  function describe() {
    const names = ticked().map((box) => box.element.textContent);
    who.textContent = names.length ? `Only people in ${names.join(", ")} will see it.` : "Everyone will see it.";
  }
  for (const box of boxes) box.input.addEventListener("change", () => { describe(); setError(""); });
  function setError(message) {
    error.textContent = message;
    error.hidden = !message;
  }
  describe();
  return {
    element,
    chosen: () => ticked().map((box) => box.id),
    clear() {
      for (const box of boxes) box.input.checked = false;
      describe();
    },
    setError,
    focus: () => (boxes[0]?.input ?? element).focus(),
  };
}

/** The add/edit form. `save(body)` sends it; its 422s are shown on the fields. */
function resourceForm({ resource = null, teams, submit, busyText, save, cancel = null }) {
  const value = (key) => resource?.[key] ?? "";
  const optional = { required: false, autocomplete: "off" };
  const name = field({
    label: "Name", name: "name", maxlength: 80, autocomplete: "off", value: value("name"),
    hint: "For example: Employee Assistance Programme, on-call manager, union rep.",
  });
  const description = field({
    label: "What they offer (optional)", name: "description", multiline: true, maxlength: 400,
    value: value("description"), ...optional,
  });
  const phone = field({
    label: "Phone number", name: "phone", type: "tel", inputmode: "tel", maxlength: 40,
    value: value("phone"), hint: "Give at least one way to reach them: a phone number, a number to text or a website.",
    ...optional,
  });
  const text = field({
    label: "Number to text", name: "text", type: "tel", inputmode: "tel", maxlength: 40,
    value: value("text"), ...optional,
  });
  const web = field({
    label: "Website", name: "web", type: "url", inputmode: "url", maxlength: 300, value: value("web"),
    hint: "The full address, starting with https://", ...optional,
  });
  const hours = field({
    label: "When they're available (optional)", name: "hours", maxlength: 100, value: value("hours"),
    hint: "For example: any time, day or night; weekdays 9am to 5pm.", ...optional,
  });
  const teamIds = resource?.team_ids ?? resource?.teams?.map((team) => team.id) ?? [];
  const team = teamChoice(teams, teamIds);
  const status = notice();
  const button = h("button", { type: "submit", class: "button small-button" }, submit);
  const fields = {
    name: { setError: name.setError, focus: () => name.input.focus() },
    description: { setError: description.setError, focus: () => description.input.focus() },
    phone: { setError: phone.setError, focus: () => phone.input.focus() },
    text: { setError: text.setError, focus: () => text.input.focus() },
    web: { setError: web.setError, focus: () => web.input.focus() },
    hours: { setError: hours.setError, focus: () => hours.input.focus() },
    team_ids: { setError: team.setError, focus: team.focus },
  };
  const cancelButton = cancel
    ? h("button", { type: "button", class: "button secondary small-button", onclick: cancel }, "Cancel") : null;
  const form = h("form", { novalidate: true, class: "library-form" },
    name.element, description.element, phone.element, text.element, web.element, hours.element,
    team.element, status.element, h("div", { class: "button-row" }, button, cancelButton));

  function reset() {
    for (const input of [name, description, phone, text, web, hours].map((f) => f.input)) input.value = "";
    team.clear();
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.clear();
    const body = {
      name: name.input.value.trim(),
      description: description.input.value.trim(),
      phone: phone.input.value.trim() || null,
      text: text.input.value.trim() || null,
      web: web.input.value.trim() || null,
      hours: hours.input.value.trim(),
      team_ids: team.chosen(),
    };
    if (!body.name) {
      name.setError("Give the resource a name.");
      name.input.focus();
      return;
    }
    try {
      await busy(button, busyText, () => save(body));
    } catch (error) {
      showErrors(error, fields, status);
    }
  });
  return { element: form, focus: () => name.input.focus(), reset, status };
}

function contactLines(resource, teams) {
  const names = (resource.team_ids ?? []).map((id) => teams.find((team) => team.id === id)?.name).filter(Boolean);
  return [
    resource.description ? h("p", {}, resource.description) : null,
    resource.phone ? h("p", { class: "small" }, `Phone: ${resource.phone}`) : null,
    resource.text ? h("p", { class: "small" }, `Text: ${resource.text}`) : null,
    resource.web ? h("p", { class: "small" }, `Website: ${resource.web}`) : null,
    resource.hours ? h("p", { class: "small" }, `When: ${resource.hours}`) : null,
    h("p", { class: "small" }, h("strong", {}, "Who sees it: "), names.length ? names.join(", ") : "Everyone"),
  ].filter(Boolean);
}

function resourcesSection(state) {
  const status = notice();
  const voice = announcer();
  const heading = h("h2", { id: "resources", tabindex: "-1" }, "Support resources");
  const empty = h("p", {}, "None yet. People see the UK helplines until you add your own.");
  let moving = false;
  const list = keyedList({ class: "admin-list library-resources" }, (resource) => resourceItem(resource));

  async function reload() {
    state.resources = await loadResources();
    draw();
  }

  function draw() {
    list.update(state.resources.map((resource, index) => ({ ...resource, index, count: state.resources.length })));
    empty.hidden = state.resources.length > 0;
  }

  /** Move a resource one place; focus stays on the button that moved it. */
  async function move(resource, by, button) {
    const ids = state.resources.map((r) => r.id);
    const from = ids.indexOf(resource.id);
    const to = from + by;
    if (moving || from < 0 || to < 0 || to >= ids.length) return;
    moving = true;
    status.clear();
    [ids[from], ids[to]] = [ids[to], ids[from]];
    button.setAttribute("aria-busy", "true");
    try {
      await put("/api/admin/support-resources/order", { ids });
      const byId = new Map(state.resources.map((r) => [r.id, r]));
      state.resources = ids.map((id) => byId.get(id));
      draw();
      voice.say(`${resource.name} moved ${by < 0 ? "up" : "down"}: now ${to + 1} of ${ids.length}.`);
    } catch (error) {
      if (error instanceof ApiError && error.code === "order_out_of_date") {
        await reload().catch(() => {});
        status.error("The list changed elsewhere, so here it is as it is now. Please try again.");
      } else {
        status.error(errorText(error));
      }
    } finally {
      moving = false;
      button.removeAttribute("aria-busy");
      if (button.isConnected) button.focus();
      else keepFocus(heading);
    }
  }

  function resourceItem(first) {
    let resource = first;
    const title = h("h3", { tabindex: "-1" });
    const details = h("div", {});
    const itemStatus = notice();
    const up = h("button", { type: "button", class: "button secondary small-button library-move" }, "Move up");
    const down = h("button", { type: "button", class: "button secondary small-button library-move" }, "Move down");
    const edit = h("button", { type: "button", class: "button secondary small-button", "aria-expanded": "false" }, "Edit");
    const remove = h("button", { type: "button", class: "button secondary small-button" }, "Delete");
    const actions = h("div", { class: "button-row" }, up, down, edit, remove);
    const formSlot = h("div", { hidden: true });
    const element = h("li", { class: "admin-item library-resource" },
      title, details, actions, itemStatus.element, formSlot);

    up.addEventListener("click", () => {
      if (up.getAttribute("aria-disabled") !== "true") move(resource, -1, up);
    });
    down.addEventListener("click", () => {
      if (down.getAttribute("aria-disabled") !== "true") move(resource, 1, down);
    });

    function open(shown) {
      edit.setAttribute("aria-expanded", String(shown));
      formSlot.hidden = !shown;
      if (!shown) {
        formSlot.replaceChildren();
        return;
      }
      const form = resourceForm({
        resource, teams: state.organisation.teams, submit: "Save changes", busyText: "Saving…",
        cancel: () => {
          open(false);
          edit.focus();
        },
        save: async (body) => {
          await put(`/api/admin/support-resources/${resource.id}`, body);
          open(false);
          await reload();
          itemStatus.info("Saved. People will see the change after their next sync.");
          edit.focus();
        },
      });
      formSlot.replaceChildren(form.element);
      form.focus();
    }
    edit.addEventListener("click", () => open(edit.getAttribute("aria-expanded") !== "true"));

    remove.addEventListener("click", () => {
      itemStatus.clear();
      askFirst(actions, {
        question: `Delete ${resource.name}?`,
        explain: "People will no longer see it under Get support, from their next sync.",
        confirm: "Yes, delete it",
        cancel: "Keep it",
        busyText: "Deleting…",
        run: async () => {
          await del(`/api/admin/support-resources/${resource.id}`);
          await reload();
          status.info(`${resource.name} deleted.`);
          keepFocus(heading);
        },
        onError: (error) => itemStatus.error(errorText(error)),
      });
    });

    function draw(value) {
      resource = value;
      title.textContent = resource.name;
      details.replaceChildren(...contactLines(resource, state.organisation.teams));
      up.setAttribute("aria-label", `Move up ${resource.name}`);
      down.setAttribute("aria-label", `Move down ${resource.name}`);
      edit.setAttribute("aria-label", `Edit ${resource.name}`);
      remove.setAttribute("aria-label", `Delete ${resource.name}`);
      // Still focusable at the ends, so focus never drops from a button that just moved.
      up.setAttribute("aria-disabled", String(resource.index === 0));
      down.setAttribute("aria-disabled", String(resource.index === resource.count - 1));
    }
    draw(first);
    return { element, update: draw };
  }

  const adder = resourceForm({
    teams: state.organisation.teams, submit: "Add resource", busyText: "Adding…",
    save: async (body) => {
      await post("/api/admin/support-resources", body);
      adder.reset();
      await reload();
      adder.status.info(`${body.name} added. It's at the end of the list; move it up if it matters more.`);
    },
  });
  draw();
  return h("section", { class: "admin-section library-section", "aria-labelledby": "resources" },
    heading,
    h("p", {}, "Shown first under Get support, in this order, with one-tap Call, Text and "
      + "Website links. The UK helplines always follow."),
    status.element, voice.element, empty, list.element,
    h("h3", {}, "Add a support resource"),
    adder.element);
}

// ── prompts and feeling words ───────────────────────────────────────────────────────

/** One of the organisation's own prompts or words, with Retire or Bring back. */
function libraryItem(first, { kind, describe, say }) {
  let item = first;
  const words = h("p", { class: "library-words" });
  const about = h("p", { class: "small" });
  const itemStatus = notice();
  const toggle = h("button", { type: "button", class: "button secondary small-button" });
  const element = h("li", { class: "admin-item library-item" }, words, about,
    h("div", { class: "button-row" }, toggle), itemStatus.element);

  toggle.addEventListener("click", async () => {
    const retiring = !item.retired_at;
    itemStatus.clear();
    try {
      await busy(toggle, retiring ? "Retiring…" : "Bringing back…",
        () => post(`/api/admin/library/${kind}/${item.id}/${retiring ? "retire" : "restore"}`));
      await say(item, retiring);
    } catch (error) {
      itemStatus.error(errorText(error));
    }
    if (toggle.isConnected) toggle.focus();
  });

  function draw(value) {
    item = value;
    const { text, label, detail } = describe(item);
    words.textContent = text;
    about.textContent = [detail, item.retired_at ? "Retired: no longer offered." : null].filter(Boolean).join(" · ");
    about.hidden = !about.textContent;
    element.classList.toggle("library-retired", Boolean(item.retired_at));
    toggle.textContent = item.retired_at ? "Bring back" : "Retire";
    toggle.setAttribute("aria-label", `${item.retired_at ? "Bring back" : "Retire"} ${label}`);
  }
  draw(first);
  return { element, update: draw };
}

/** Tend's own prompts or words, read-only, folded away. */
function tendsOwn(summary, content) {
  return h("details", { class: "library-tends" }, h("summary", {}, summary), content);
}

function promptsSection(state, reloadLibrary) {
  const voice = announcer();
  const status = notice();
  const heading = h("h2", { id: "prompts", tabindex: "-1" }, "Journal prompts");
  const empty = h("p", { class: "small" }, "Your organisation hasn't added any prompts yet.");
  const list = keyedList({ class: "admin-list" }, (prompt) => libraryItem(prompt, {
    kind: "prompts",
    describe: (p) => ({ text: p.text, label: `“${p.text}”`, detail: momentTitle(p.moment) }),
    say: async (p, retired) => {
      await reloadLibrary();
      voice.say(retired ? "Prompt retired. Entries written from it still show it." : "Prompt brought back.");
    },
  }));

  const moment = h("select", { id: "new-prompt-moment", name: "moment", "aria-describedby": "new-prompt-moment-error" },
    MOMENTS.map((m) => h("option", { value: m.id }, m.title)));
  const momentError = h("p", { class: "field-error", id: "new-prompt-moment-error", hidden: true });
  const text = field({
    label: "Prompt", name: "text", multiline: true, maxlength: 300, autocomplete: "off",
    hint: "A question or an invitation, warm and plain. Every prompt is optional for the person writing.",
  });
  const add = h("button", { type: "submit", class: "button small-button" }, "Add prompt");
  const form = h("form", { novalidate: true, class: "library-form" },
    h("div", { class: "field" }, h("label", { for: moment.id }, "When it suits"), momentError, moment),
    text.element, status.element, h("div", { class: "button-row" }, add));
  const fields = {
    moment: {
      setError: (message) => { momentError.textContent = message; momentError.hidden = !message; },
      focus: () => moment.focus(),
    },
    text: { setError: text.setError, focus: () => text.input.focus() },
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.clear();
    fields.moment.setError("");
    const words = text.input.value.trim();
    if (!words) {
      text.setError("Write the prompt first.");
      text.input.focus();
      return;
    }
    try {
      await busy(add, "Adding…", () => post("/api/admin/library/prompts", { moment: moment.value, text: words }));
      text.input.value = "";
      await reloadLibrary();
      status.info("Prompt added. People will see it when they next sync.");
    } catch (error) {
      showErrors(error, fields, status);
    }
  });

  function update() {
    list.update(state.library.prompts);
    empty.hidden = state.library.prompts.length > 0;
  }
  update();
  const element = h("section", { class: "admin-section library-section", "aria-labelledby": "prompts" },
    heading,
    h("p", {}, "Offered when people write in their journal, after Tend's own. Retiring one stops "
      + "it being offered; entries already written from it keep it."),
    tendsOwn("Tend's own prompts", MOMENTS.map((m) => [
      h("h3", {}, m.title),
      h("ul", { class: "library-tends-list" }, m.prompts.map((p) => h("li", {}, p.text))),
    ])),
    h("h3", {}, "Your organisation's prompts"),
    voice.element, empty, list.element,
    h("h3", {}, "Add a prompt"),
    form);
  return { element, update };
}

function feelingsSection(state, reloadLibrary) {
  const voice = announcer();
  const status = notice();
  const empty = h("p", { class: "small" }, "Your organisation hasn't added any feeling words yet.");
  const list = keyedList({ class: "admin-list library-words-list" }, (feeling) => libraryItem(feeling, {
    kind: "feelings",
    describe: (f) => ({ text: f.word, label: f.word, detail: null }),
    say: async (f, retired) => {
      await reloadLibrary();
      voice.say(retired ? `${f.word} retired.` : `${f.word} brought back.`);
    },
  }));
  const word = field({
    label: "Add a feeling word", name: "word", maxlength: 30, autocomplete: "off",
    hint: "One word or a short phrase, such as “drained” or “on edge”.",
  });
  const add = h("button", { type: "submit", class: "button small-button" }, "Add word");
  const form = h("form", { novalidate: true, class: "library-form" },
    word.element, status.element, h("div", { class: "button-row" }, add));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.clear();
    const wanted = word.input.value.trim();
    if (!wanted) {
      word.setError("Write the word first.");
      word.input.focus();
      return;
    }
    try {
      await busy(add, "Adding…", () => post("/api/admin/library/feelings", { word: wanted }));
      word.input.value = "";
      await reloadLibrary();
      status.info(`“${wanted}” added. People will see it when they next sync.`);
    } catch (error) {
      if (error instanceof ApiError && error.status < 500) {
        word.setError(error.details?.[0]?.message || error.message);
        word.input.focus();
      } else {
        status.error(errorText(error));
      }
    }
  });

  function update() {
    list.update(state.library.feelings);
    empty.hidden = state.library.feelings.length > 0;
  }
  update();
  const element = h("section", { class: "admin-section library-section", "aria-labelledby": "feelings" },
    h("h2", { id: "feelings", tabindex: "-1" }, "Feeling words"),
    h("p", {}, "Offered with Tend's own when people check in or write."),
    tendsOwn("Tend's own feeling words",
      h("p", { class: "library-tends-words" }, FEELING_WORDS.join(", "))),
    h("h3", {}, "Your organisation's words"),
    voice.element, empty, list.element,
    form);
  return { element, update };
}

export async function adminSupportView() {
  let state;
  try {
    state = await load();
  } catch (error) {
    return couldNotLoad({
      title: "Support and prompts", lead: "This page couldn't open just now.", error, view: adminSupportView,
    });
  }
  const sections = [];
  async function reloadLibrary() {
    state.library = await get("/api/admin/library");
    for (const section of sections) section.update();
  }
  sections.push(promptsSection(state, reloadLibrary), feelingsSection(state, reloadLibrary));
  return {
    title: "Support and prompts",
    content: page("Support and prompts",
      h("p", { class: "lead" }, `What people at ${state.organisation.name} see under Get support, and the `
        + "prompts and feeling words offered when they write."),
      h("p", {}, "Changes reach people's phones the next time Tend syncs, and stay there for when "
        + "they have no signal."),
      h("p", {}, h("a", { href: "/admin" }, "Back to Admin")),
      resourcesSection(state),
      sections.map((section) => section.element)),
  };
}
