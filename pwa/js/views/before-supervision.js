/* Before supervision: her agenda and a reflection (private until she shares them from the
   Sharing page), and afterwards three anonymous questions about how it felt. */
import { h } from "../dom.js";
import { get, post } from "../api.js";
import { ITEM_LIMIT, MAX_ITEMS, REFLECTION_LIMIT, loadAgenda, saveAgenda } from "../agenda.js";
import { choiceGroup } from "../chips.js";
import { busy, field, formatDay, notice, page } from "../ui.js";

const PULSE = [
  { name: "heard", legend: "I felt heard" },
  { name: "checked_in", legend: "It checked in on me, not only on my work" },
  { name: "useful", legend: "It was useful" },
];
const AGREEMENT = ["Not at all", "A little", "Partly", "Mostly", "Fully"];
const KIND_WORDS = { "one-to-one": "one-to-one", group: "group", debrief: "debrief" };

function agendaSection(agenda) {
  let current = agenda;
  const status = notice();
  const list = h("ol", { class: "agenda-items" });
  const item = field({ label: "Something to bring", name: "agenda-item", required: false, maxlength: ITEM_LIMIT });
  const add = h("button", { type: "button", class: "button secondary small-button" }, "Add");
  const reflection = field({
    label: "A reflection before the session (optional)", name: "agenda-reflection", multiline: true,
    required: false, maxlength: REFLECTION_LIMIT, value: agenda.reflection,
    hint: "What's been on your mind, what you'd like from the time. Private unless you share it.",
  });
  const save = h("button", { type: "button", class: "button" }, "Save");

  async function keep(items, message) {
    try {
      current = await saveAgenda({ id: current.id, items, reflection: reflection.input.value });
      draw();
      status.info(message);
    } catch {
      status.error("Your agenda couldn't be saved just now. Please try again.");
    }
  }
  function draw() {
    list.replaceChildren(...current.items.map((text, index) => {
      const remove = h("button", { type: "button", class: "link-button" }, "Remove");
      remove.setAttribute("aria-label", `Remove “${text}”`);
      remove.addEventListener("click", async () => {
        await keep(current.items.filter((_, i) => i !== index), "Removed from your agenda.");
        item.input.focus();
      });
      return h("li", {}, h("span", {}, text), " ", remove);
    }));
    list.hidden = !current.items.length;
    add.disabled = current.items.length >= MAX_ITEMS;
  }
  function addItem() {
    const text = item.input.value.trim();
    if (!text) {
      item.setError("Write a few words first.");
      item.input.focus();
      return;
    }
    item.input.value = "";
    keep([...current.items, text], "Added to your agenda.").then(() => item.input.focus());
  }
  add.addEventListener("click", addItem);
  item.input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      addItem();
    }
  });
  save.addEventListener("click", () => busy(save, "Saving…", () => keep(current.items, "Saved on this device.")));
  draw();
  return h("section", { "aria-labelledby": "agenda-title" },
    h("h2", { id: "agenda-title" }, "Your agenda"),
    h("p", {}, "Jot down what you'd like to bring. It stays on your devices, locked, until you "
      + "choose to share it from ", h("a", { href: "/sharing" }, "Sharing"), "."),
    list,
    h("div", { class: "agenda-add" }, item.element, add),
    reflection.element,
    status.element,
    h("div", { class: "button-row" }, save));
}

function pulseCard(session, onDone) {
  const groups = PULSE.map((q) => ({ ...q, group: choiceGroup({
    legend: q.legend, name: `${q.name}-${session.id}`, scale: true,
    options: AGREEMENT.map((label, i) => ({ value: i + 1, label })),
  }) }));
  const status = notice();
  const send = h("button", { type: "submit", class: "button" }, "Send my answers");
  const titleId = `pulse-${session.id}`;
  const form = h("form", { class: "card pulse", "aria-labelledby": titleId, novalidate: true },
    h("h3", { id: titleId, tabindex: "-1" },
      `Your ${KIND_WORDS[session.kind]} with ${session.supervisor.display_name} on ${formatDay(session.held_on)}`),
    h("p", { class: "small" }, `Your answers are kept without your name. ${session.supervisor.display_name} `
      + "never sees them; your organisation sees only averages from 5 people or more."),
    groups.map((q) => q.group.element),
    status.element,
    h("div", { class: "button-row" }, send));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const answers = Object.fromEntries(groups.map((q) => [q.name, q.group.value()]));
    if (Object.values(answers).some((v) => v === null)) {
      status.error("Please answer all three, or leave this for now: there's no rush.");
      return;
    }
    busy(send, "Sending…", async () => {
      try {
        await post(`/api/sharing/sessions/${encodeURIComponent(session.id)}/pulse`, answers);
      } catch (error) {
        status.error(error?.message || "Your answers couldn't be sent. Please try again.");
        return;
      }
      onDone(form);
    });
  });
  return form;
}

function pulseSection(sessions) {
  const waiting = sessions.filter((s) => !s.pulse_given);
  if (!waiting.length) return null;
  const said = notice();
  const section = h("section", { "aria-labelledby": "pulse-title" },
    h("h2", { id: "pulse-title", tabindex: "-1" }, "How did supervision feel?"),
    h("p", {}, "Three quick questions, if you'd like. They help your organisation see whether "
      + "supervision is working for people."),
    said.element);
  for (const session of waiting) {
    section.append(pulseCard(session, (form) => {
      form.remove();
      said.info("Thank you. Your answers were kept without your name.");
      section.querySelector("h2").focus();
    }));
  }
  return section;
}

export async function beforeSupervisionView() {
  const [agenda, sessions] = await Promise.all([
    loadAgenda().catch(() => ({ id: null, items: [], reflection: "" })),
    get("/api/sharing/sessions").catch(() => []),
  ]);
  return {
    title: "Supervision",
    content: page("Supervision",
      h("p", { class: "lead" }, "Time that's for you. Bring what you like; leave what you like."),
      pulseSection(sessions),
      agendaSection(agenda),
      h("p", {}, h("a", { href: "/sharing#talk" }, "Ask for a chat before then"))),
  };
}
