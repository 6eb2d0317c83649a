/* "After something difficult", reached from a difficult check-in or straight from home or
   Right now. Grounding comes first; then, if she likes, a word about what happened (kept on
   this page only: never saved or sent) and her choices, none required: write it down
   privately, ask for a debrief, let Tend check in later, see who can help now. */
import { get } from "../api.js";
import { choiceGroup } from "../chips.js";
import { h } from "../dom.js";
import { current, hasRole } from "../session.js";
import { HOW_SOON, askToTalk } from "../sharing.js";
import { AFTER_DIFFICULT } from "../toolkit-content.js";
import { busy, field, notice, page } from "../ui.js";
import { breathingPacer } from "./breathing.js";
import { followUpOffer } from "./follow-up.js";

const TEXT = AFTER_DIFFICULT;
const WRITE_HREF = "/journal/write?prompt=difficult-what-happened";

function groundFirst(onReady) {
  const pacer = breathingPacer();
  const ready = h("button", { type: "button", class: "button" }, TEXT.ground.next);
  ready.addEventListener("click", () => {
    // The pacer's spoken phases would talk over what comes next.
    if (pacer.classList.contains("running")) pacer.querySelector(".pacer-toggle").click();
    ready.hidden = true;
    onReady();
  });
  return h("section", { class: "card toolkit-section", "aria-labelledby": "ground-first-title" },
    h("h2", { id: "ground-first-title" }, TEXT.ground.title),
    h("p", {}, TEXT.ground.text),
    pacer,
    h("p", {}, h("a", { href: "/right-now#ground" }, TEXT.ground.other)),
    h("p", { class: "after-difficult-next" }, ready));
}

/** What happened, if she wants to say: answered with care, and remembered nowhere. */
function whatHappened(onChoice) {
  const kinds = new Map(TEXT.kinds.map((kind) => [kind.id, kind]));
  const choice = choiceGroup({
    legend: TEXT.what.legend, name: "what-happened", describedBy: "what-happened-hint",
    options: TEXT.kinds.map((kind) => ({ value: kind.id, label: kind.label })),
  });
  const words = h("div", { class: "after-difficult-words", "aria-live": "polite" });
  choice.element.addEventListener("change", () => {
    const kind = kinds.get(choice.value());
    words.replaceChildren(
      h("p", {}, kind.words),
      kind.serious ? h("p", {}, TEXT.serious) : null);
    onChoice(kind);
  });
  return h("section", { class: "toolkit-section", "aria-labelledby": "what-happened-title" },
    h("h2", { id: "what-happened-title", tabindex: "-1" }, TEXT.what.title),
    h("p", { class: "field-hint", id: "what-happened-hint" }, TEXT.what.hint),
    choice.element,
    words);
}

/** A debrief is a request to talk with a note she can read, and change, before it goes. */
function debriefForm(supervisors) {
  const status = notice();
  const to = supervisors.length > 1 ? choiceGroup({
    legend: "Who would you like to talk to?", name: "debrief-with",
    options: supervisors.map((s) => ({ value: s.id, label: s.display_name })),
    chosen: supervisors[0].id,
  }) : null;
  let soonTouched = false;
  let soon = choiceGroup({ legend: "How soon?", name: "debrief-soon", options: HOW_SOON, chosen: "this-week" });
  const soonSlot = h("div", {}, soon.element);
  soonSlot.addEventListener("change", () => { soonTouched = true; });
  const note = field({
    label: "Your note", name: "debrief-note", multiline: true, required: false, maxlength: 500,
    hint: "Your supervisor will see your name, how soon, and this note. Nothing else from Tend.",
  });
  note.input.value = TEXT.choices.debriefNote;
  const send = h("button", { type: "submit", class: "button" }, "Ask for a debrief");
  const form = h("form", { class: "talk-form", novalidate: true },
    to?.element, soonSlot, note.element, status.element, h("div", { class: "button-row" }, send));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(send, "Sending…", async () => {
      const supervisor = to ? supervisors.find((s) => s.id === to.value()) : supervisors[0];
      try {
        await askToTalk(supervisor.id, soon.value(), note.input.value.trim());
      } catch (error) {
        status.error(navigator.onLine
          ? error?.message || "That couldn't be sent just now. Please try again."
          : "You're offline just now, so this can't be sent yet. Please try again when "
            + "you're back online, or ask whoever is in charge on shift.");
        return;
      }
      const sent = h("p", { tabindex: "-1" },
        `Sent. ${supervisor.display_name} will see that you'd like a debrief. You can see `
        + "when it has been seen on your ", h("a", { href: "/sharing#talk" }, "Sharing page"), ".");
      form.replaceWith(sent);
      sent.focus();
    });
  });
  return {
    element: form,
    /** After a serious kind "today" is the suggestion, otherwise "this week"; unless she
        has chosen already. */
    suggest(serious) {
      if (soonTouched || !form.isConnected) return;
      const chosen = serious ? "today" : "this-week";
      soon = choiceGroup({ legend: "How soon?", name: "debrief-soon", options: HOW_SOON, chosen });
      soonSlot.replaceChildren(soon.element);
    },
  };
}

function debriefCard() {
  const body = h("div", {}, h("p", { class: "small" }, "Checking who supervises you…"));
  let form = null;
  let serious = false;
  const card = h("section", { class: "card after-difficult-choice", "aria-labelledby": "debrief-title" },
    h("h3", { id: "debrief-title" }, TEXT.choices.debrief),
    h("p", {}, TEXT.choices.debriefHint),
    body);
  const fallback = (extra) => body.replaceChildren(h("p", {}, TEXT.choices.noSupervisor),
    ...(extra ? [h("p", { class: "small" }, extra)] : []));
  const offline = "You're offline just now. When you're back online, you can ask your "
    + "supervisor from here.";
  if (current().offline) {
    fallback(offline); // who she is, and who supervises her, come with the connection
  } else if (!hasRole("worker")) {
    fallback();
  } else {
    get("/api/account/supervisors").then((supervisors) => {
      if (!supervisors.length) {
        fallback();
        return;
      }
      form = debriefForm(supervisors);
      form.suggest(serious);
      body.replaceChildren(form.element);
    }).catch(() => fallback(offline));
  }
  return {
    element: card,
    /** What happened was (or wasn't) serious: the suggested "how soon" follows. */
    happened(isSerious) {
      serious = isSerious;
      form?.suggest(serious);
    },
  };
}

function choices(debrief) {
  const c = TEXT.choices;
  return h("section", { class: "toolkit-section", "aria-labelledby": "choices-title" },
    h("h2", { id: "choices-title" }, c.title),
    h("p", {}, c.lead),
    h("section", { class: "card after-difficult-choice", "aria-labelledby": "write-title" },
      h("h3", { id: "write-title" }, c.write),
      h("p", {}, c.writeHint),
      h("p", {}, h("a", { class: "button secondary", href: WRITE_HREF }, "Write privately"))),
    debrief.element,
    h("section", { class: "card after-difficult-choice", "aria-labelledby": "later-title" },
      h("h3", { id: "later-title" }, c.followUp),
      h("p", {}, c.followUpHint),
      followUpOffer()),
    h("section", { class: "card after-difficult-choice", "aria-labelledby": "help-title" },
      h("h3", { id: "help-title" }, c.help),
      h("ul", { class: "plain-list nav-list" },
        h("li", {}, h("a", { href: "/support" }, c.helpLink)),
        h("li", {}, h("a", { href: "/plan" }, c.plan)))));
}

export function afterDifficultView() {
  const debrief = debriefCard();
  const what = whatHappened((kind) => debrief.happened(Boolean(kind.serious)));
  const rest = h("div", { class: "after-difficult-rest", hidden: true }, what, choices(debrief));
  const ground = groundFirst(() => {
    rest.hidden = false;
    what.querySelector("h2").focus();
  });
  return {
    title: TEXT.title,
    content: page(TEXT.title, h("p", { class: "lead" }, TEXT.lead), ground, rest),
  };
}
