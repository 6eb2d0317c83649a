/* My self-care plan: a guided first fill, one section a step, with examples in Tend's own
   words; then the whole plan at a glance, each part editable, with one-tap Call and Text for
   the people she can talk to. Nothing here needs a connection. Whatever she is filling in
   is kept as a sealed draft on this device as she goes, so it is never lost. */
import { chipGroup } from "../chips.js";
import { h } from "../dom.js";
import {
  ITEM_LIMIT, MAX_ITEMS, MAX_PEOPLE, TEXT_LIMIT, acknowledgeMerge, dialable, discardPlanDraft,
  emptyPlan, loadPlan, loadPlanDraft, phoneProblem, saveFirstPlan, savePlanDraft, saveSection,
} from "../plan.js";
import { syncEvents } from "../sync.js";
import { busy, draftNote, field, notice, page, showPage, whenShown } from "../ui.js";

const TITLE = "Your self-care plan";
const DRAFT_PAUSE_MS = 500;

export const SECTIONS = Object.freeze([
  {
    key: "warningSigns",
    title: "Signs I'm running low",
    why: "Stress often shows in small ways before it gets big. Noticing them early gives you "
      + "the chance to look after yourself sooner.",
    legend: "Signs I might notice",
    own: "A sign of your own",
    examples: [
      "Snapping at people I love", "Dreading the next shift", "Not sleeping", "Skipping meals",
      "Replaying a shift in my head", "Feeling numb or far away", "Crying more easily",
      "Pulling away from friends", "Can't switch off on days off",
    ],
  },
  {
    key: "helps",
    title: "What helps me",
    why: "On a hard day it can be difficult to remember what usually helps. Writing it down "
      + "now means it's here when you need it.",
    legend: "Things that help",
    own: "Something else that helps",
    examples: [
      "A walk before I go in", "Music on the way home", "Talking to someone I trust",
      "Time outside", "A hot shower after a shift", "A proper meal", "Seeing friends away from work",
      "Writing it down", "An early night",
    ],
  },
  {
    key: "avoid",
    title: "What I'll try to avoid",
    why: "Some things feel like they help in the moment but leave you more tired. Naming them "
      + "makes them easier to spot. No judgement.",
    legend: "Things to go easy on",
    own: "Something of your own to avoid",
    examples: [
      "Scrolling late at night", "Taking on extra shifts when I'm running on empty",
      "Skipping my breaks", "Checking work messages on days off",
      "Going over a shift again and again on my own", "Drinking to switch off",
    ],
  },
  {
    key: "people",
    title: "People I can talk to",
    why: "When things feel heavy, it helps to know exactly who to reach for. Their details "
      + "stay locked in your plan. Tend never contacts anyone.",
  },
  {
    key: "afterHardShift",
    title: "After a hard shift, I will",
    why: "A small routine can help you leave work at work and come home to yourself.",
    legend: "Things I'll do",
    own: "Something of your own",
    examples: [
      "Sit in the car for five minutes before driving home", "Change out of my work clothes",
      "Have a shower", "Text someone who gets it", "Eat something proper",
      "Write it down in Tend and leave it there", "Go for a short walk",
      "Put my phone away an hour before bed",
    ],
  },
  {
    key: "reasons",
    title: "My reasons",
    why: "On days when looking after yourself feels like one more job, your own reasons can be "
      + "a gentle nudge.",
    examples: [
      "I want to enjoy my days off.", "The children need me steady, and so do I.",
      "I want to keep doing work that matters to me.", "The people at home deserve the best of me too.",
      "I matter as well.",
    ],
  },
]);

const section = (key) => SECTIONS.find((s) => s.key === key);

// ── keeping a draft as she goes ──────────────────────────────────────────────────────

const timeLabel = (iso) => new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit" })
  .format(new Date(iso));

/** Keeps `snapshot()` as a sealed draft when she pauses and when the app is hidden, saying so
    through `kept` (ui.js draftNote); writes go one after another, and none is made once
    `stop()` has been called. */
function draftKeeper(snapshot, kept) {
  let dirty = false;
  let pause = null;
  let stopped = false;
  let writing = Promise.resolve();
  let latest = 0;
  function keep() {
    clearTimeout(pause);
    if (!dirty || stopped) return writing;
    dirty = false;
    const draft = snapshot();
    // Only the newest write speaks: it holds everything the older ones did, so its success
    // clears an older failure, and an older failure doesn't undo its success.
    const mine = ++latest;
    writing = writing.then(() => savePlanDraft(draft)).then(({ savedAt }) => {
      if (!stopped && !dirty && mine === latest) {
        kept.say(`Kept on this device at ${timeLabel(savedAt)}.`, "Kept on this device.");
      }
    }).catch(() => {
      if (mine !== latest) return;
      dirty = true;
      kept.say("What you chose couldn't be kept just now. Please don't close Tend yet.");
    });
    return writing;
  }
  function onHide() {
    if (document.visibilityState === "hidden") keep();
  }
  document.addEventListener("visibilitychange", onHide);
  window.addEventListener("pagehide", keep);
  return {
    changed() {
      dirty = true;
      kept.waiting();
      clearTimeout(pause);
      pause = setTimeout(keep, DRAFT_PAUSE_MS);
    },
    now() {
      dirty = true;
      return keep();
    },
    /** No more drafts: the last write has finished when this resolves. */
    async stop() {
      stopped = true;
      clearTimeout(pause);
      document.removeEventListener("visibilitychange", onHide);
      window.removeEventListener("pagehide", keep);
      await writing;
    },
    resume() {
      stopped = false;
      document.addEventListener("visibilitychange", onHide);
      window.addEventListener("pagehide", keep);
    },
  };
}

// ── one section's editor, used by the guided fill and by Edit ────────────────────────

let ownCount = 0;

const number = (n) => n.toLocaleString("en-GB");

/** A box and button that add her own words to a chip group, chosen, if `canAdd(words)`. */
function ownWords(group, label, canAdd) {
  const id = `plan-own-${++ownCount}`;
  const input = h("input", { id, type: "text", maxlength: ITEM_LIMIT, autocomplete: "off", enterkeyhint: "done" });
  const add = h("button", { type: "button", class: "button secondary small-button" }, "Add");
  function addWords() {
    const words = input.value.trim();
    if (!words || !canAdd(words)) return;
    group.add(words, true).dispatchEvent(new Event("change", { bubbles: true }));
    input.value = "";
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.focus();
  }
  add.addEventListener("click", addWords);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      addWords();
    }
  });
  return {
    element: h("div", { class: "field own-tag" }, h("label", { for: id }, label),
      h("div", { class: "own-tag-row" }, input, add)),
    pending: () => input.value.trim(),
    setPending: (text) => { input.value = text ?? ""; },
  };
}

function listEditor(spec, value, pending) {
  const group = chipGroup({
    legend: spec.legend, hint: `Tap any that fit, or add your own, up to ${MAX_ITEMS}.`, name: spec.key,
    words: spec.examples, chosen: value,
  });
  // A merge of two versions may hold more than she could add: all of it stays, and she can
  // untick any, but not add more until there is room.
  const limit = h("p", { class: "small plan-limit", role: "status" });
  const full = () => {
    limit.textContent = `That's ${MAX_ITEMS}, as many as this part can hold. To add another, untick one first.`;
  };
  const chosen = (words) => group.values().includes(words);
  const canAdd = (words) => {
    if (chosen(words) || group.values().length < MAX_ITEMS) return true;
    full();
    return false;
  };
  group.element.addEventListener("change", (event) => {
    const box = event.target;
    if (box.checked && group.values().length > MAX_ITEMS) {
      box.checked = false;
      full();
    } else if (!box.checked) {
      limit.textContent = "";
    }
  });
  const own = ownWords(group, spec.own, canAdd);
  own.setPending(pending);
  return {
    element: h("div", { class: "plan-editor" }, group.element, own.element, limit),
    value: () => group.values(),
    pending: () => own.pending(),
    /** Words typed but not yet added count as added; false if there is no room for them. */
    settle() {
      const words = own.pending();
      if (words && !canAdd(words)) return false;
      if (words) group.add(words, true);
      own.setPending("");
      return true;
    },
    isEmpty: () => !group.values().length && !own.pending(),
  };
}

function reasonsEditor(spec, value) {
  // Two versions kept together may be longer than she could type: she can tidy it, not lose it.
  const limit = Math.max(TEXT_LIMIT, value.length);
  const reasons = field({
    label: "In your own words", name: "reasons", multiline: true, required: false,
    maxlength: limit, value,
    hint: `As few or as many words as you like, up to ${number(TEXT_LIMIT)} characters.`,
  });
  const room = h("p", { class: "small plan-limit", role: "status" });
  reasons.input.addEventListener("input", () => { room.textContent = ""; });
  const ideasId = `plan-ideas-${++ownCount}`;
  const ideas = spec.examples.map((text) => {
    const button = h("button", { type: "button", class: "plan-idea" }, text);
    button.addEventListener("click", () => {
      const now = reasons.input.value.trimEnd();
      if (now.includes(text)) return;
      const next = now ? `${now}\n${text}` : text;
      if (next.length > limit) {
        room.textContent = `That one won't fit: your reasons can be up to ${number(limit)} characters. `
          + "You could make room by shortening what's there.";
        return;
      }
      reasons.input.value = next;
      reasons.input.dispatchEvent(new Event("input", { bubbles: true }));
    });
    return button;
  });
  return {
    element: h("div", { class: "plan-editor" },
      h("div", { class: "plan-ideas", role: "group", "aria-labelledby": ideasId },
        h("p", { id: ideasId, class: "field-hint" }, "A place to start, if you'd like one. Tap to add it:"),
        h("div", { class: "chips" }, ideas)),
      reasons.element, room),
    value: () => reasons.input.value.trim(),
    pending: () => "",
    settle: () => true,
    isEmpty: () => !reasons.input.value.trim(),
  };
}

function personLine(person, onRemove) {
  const remove = h("button", { type: "button", class: "button secondary small-button" },
    "Remove", h("span", { class: "visually-hidden" }, ` ${person.name}`));
  remove.addEventListener("click", onRemove);
  return h("li", { class: "plan-person" },
    h("p", { class: "plan-person-name" }, person.name),
    person.phone ? h("p", {}, person.phone) : null,
    person.note ? h("p", { class: "small" }, person.note) : null,
    remove);
}

function peopleEditor(value, pending = {}) {
  let people = value.map((p) => ({ ...p }));
  const list = h("ul", { class: "plain-list plan-people-edit", "aria-label": "People in your plan" });
  const name = field({
    label: "Name", name: "person-name", required: false, maxlength: 80, autocomplete: "off",
    hint: "A name, or who they are, like ‘Sam from work’ or ‘my sister’.",
  });
  const phone = field({
    label: "Phone number (optional)", name: "person-phone", type: "tel", required: false,
    maxlength: 30, autocomplete: "off", inputmode: "tel",
    hint: "Digits and spaces, and a + at the start if you like.",
  });
  const note = field({
    label: "A note (optional)", name: "person-note", required: false, maxlength: ITEM_LIMIT,
    autocomplete: "off", hint: "For example ‘best after 6pm’ or ‘gets it, no explaining needed’.",
  });
  name.input.value = pending.name ?? "";
  phone.input.value = pending.phone ?? "";
  note.input.value = pending.note ?? "";
  const add = h("button", { type: "button", class: "button secondary small-button" }, "Add this person");
  const added = h("p", { role: "status", class: "small" });
  const element = h("div", { class: "plan-editor" },
    list,
    h("fieldset", { class: "plan-person-form" },
      h("legend", {}, "Add someone"),
      h("p", { class: "field-hint" }, `Your plan can hold up to ${MAX_PEOPLE} people.`),
      name.element, phone.element, note.element, add),
    added);

  function show() {
    list.replaceChildren(...people.map((person, i) => personLine(person, () => {
      people.splice(i, 1);
      show();
      added.textContent = `${person.name} is no longer in your plan.`;
      element.dispatchEvent(new Event("change", { bubbles: true }));
      name.input.focus();
    })));
    list.hidden = !people.length;
  }

  /** Add what is typed in; false (and a gentle word by the field) if it can't be added. */
  function addTyped({ quiet = false } = {}) {
    const typed = { name: name.input.value.trim(), phone: phone.input.value.trim(), note: note.input.value.trim() };
    if (!typed.name && !typed.phone && !typed.note) return true;
    if (people.length >= MAX_PEOPLE) {
      added.textContent = `Your plan holds up to ${MAX_PEOPLE} people. To add ${typed.name || "someone new"}, `
        + "remove someone first. What you typed is still here.";
      return false;
    }
    if (!typed.name) {
      name.setError("Add a name, or a word for who they are.");
      name.input.focus();
      return false;
    }
    const problem = phoneProblem(typed.phone);
    if (problem) {
      phone.setError(problem);
      phone.input.focus();
      return false;
    }
    people.push(typed);
    for (const box of [name, phone, note]) box.input.value = "";
    show();
    if (!quiet) {
      added.textContent = `${typed.name} is in your plan.`;
      name.input.focus();
    }
    element.dispatchEvent(new Event("change", { bubbles: true }));
    return true;
  }
  add.addEventListener("click", () => addTyped());
  for (const box of [name, phone, note]) {
    box.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        addTyped();
      }
    });
  }
  show();
  return {
    element,
    value: () => people.map((p) => ({ ...p })),
    pending: () => ({ name: name.input.value, phone: phone.input.value, note: note.input.value }),
    settle: () => addTyped({ quiet: true }),
    isEmpty: () => !people.length && !name.input.value.trim() && !phone.input.value.trim(),
  };
}

/** `pending`: words typed but not added yet (a person's details, for people). */
function editorFor(spec, value, pending) {
  if (spec.key === "people") return peopleEditor(value, pending && typeof pending === "object" ? pending : {});
  if (spec.key === "reasons") return reasonsEditor(spec, value);
  return listEditor(spec, value, typeof pending === "string" ? pending : "");
}

// ── the guided first fill ────────────────────────────────────────────────────────────

function supportLinks() {
  return h("ul", { class: "plain-list nav-list plan-links" },
    h("li", {}, h("a", { href: "/right-now" }, "Right now: breathe and ground yourself")),
    h("li", {}, h("a", { href: "/support" }, "Get support now")));
}

function notClinical() {
  return h("p", { class: "small" },
    "This plan is for looking after yourself day to day. It isn't a clinical or crisis plan: "
    + "if you're worried about your safety, ", h("a", { href: "/support" }, "get support now"), ".");
}

function introPage(onStart) {
  const start = h("button", { type: "button", class: "button" }, "Start my plan");
  start.addEventListener("click", onStart);
  return page(TITLE,
    h("p", { class: "lead" },
      "A few lines in your own words, for the days when it's hard to think straight."),
    h("ul", { class: "promises" },
      h("li", {}, "Six short steps, with ideas to tap. Skip anything you like."),
      h("li", {}, "Change it whenever you want. It works without signal."),
      h("li", {}, "Only you can read it. It's locked on this device before it goes anywhere.")),
    h("p", { class: "actions" }, start),
    supportLinks(),
    notClinical());
}

/** Step through the sections; `draft` resumes where she left off. */
function guidedFill(draft) {
  const state = {
    mode: "fill",
    step: Number.isInteger(draft?.step) ? Math.min(Math.max(draft.step, 0), SECTIONS.length - 1) : 0,
    plan: { ...emptyPlan(), ...(draft?.plan ?? {}) },
    pending: draft?.pending ?? null,
  };
  const region = h("div", { class: "plan-step" });
  const status = notice();
  const kept = draftNote("What you choose is kept on this device as you go.");
  let editor = null;
  const keeper = draftKeeper(() => {
    if (editor) state.plan[SECTIONS[state.step].key] = editor.value();
    return { mode: "fill", step: state.step, plan: state.plan, pending: editor?.pending() ?? null };
  }, kept);

  function showStep() {
    const spec = SECTIONS[state.step];
    editor = editorFor(spec, state.plan[spec.key], state.pending);
    state.pending = null;
    const back = h("button", { type: "button", class: "button secondary small-button" }, "Back");
    const next = h("button", { type: "button", class: "button small-button" });
    const last = state.step === SECTIONS.length - 1;
    const label = () => {
      next.textContent = last ? "Finish" : editor.isEmpty() ? "Skip" : "Next";
    };
    label();
    const heading = h("h2", { tabindex: "-1", id: "plan-step-title" }, spec.title);
    const form = h("form", { class: "plan-step-form", novalidate: true, "aria-labelledby": "plan-step-title" },
      h("p", { class: "step-count" }, `Step ${state.step + 1} of ${SECTIONS.length}`),
      heading,
      h("p", {}, spec.why),
      editor.element,
      h("p", { class: "small plan-skip-note" }, "You can leave this empty and come back to it any time."),
      kept.element,
      status.element,
      h("div", { class: "step-buttons" }, back, next));
    form.addEventListener("input", () => { label(); keeper.changed(); });
    form.addEventListener("change", () => { label(); keeper.changed(); });
    form.addEventListener("submit", (event) => event.preventDefault());
    back.addEventListener("click", () => move(-1));
    next.addEventListener("click", () => (last ? finish(next) : move(1)));
    region.replaceChildren(form);
    return heading;
  }

  function move(by) {
    if (by > 0 && !editor.settle()) return;
    state.plan[SECTIONS[state.step].key] = editor.value();
    status.clear();
    if (state.step + by < 0) {
      keeper.now();
      showPage(introPage(show));
      return;
    }
    state.step += by;
    resumed?.remove();
    resumed = null;
    showStep().focus();
    window.scrollTo(0, 0);
    keeper.now();
  }

  async function finish(button) {
    if (!editor.settle()) return;
    state.plan[SECTIONS[state.step].key] = editor.value();
    status.clear();
    await keeper.stop();
    try {
      const saved = await busy(button, "Saving…", () => saveFirstPlan(state.plan));
      await discardPlanDraft().catch(() => {});
      showPage(finishedPage(saved));
    } catch {
      keeper.resume();
      keeper.now();
      status.error("Your plan couldn't be saved just now. Everything you chose is still here; please try again.");
    }
  }

  // Said where she comes back, and gone once she moves on.
  let resumed = draft ? h("div", { class: "resumed" }, h("p", {}, "We kept your plan where you left it.")) : null;
  function guidedPage() {
    const content = page(TITLE, resumed, region);
    showStep();
    return content;
  }
  /** Show the fill in place of the current page, her focus on the step's heading. */
  function show() {
    showPage(guidedPage());
    region.querySelector("h2")?.focus();
  }
  return { page: guidedPage, show };
}

function finishedPage(plan) {
  // Shown afresh from what this device now holds (a sync may have brought more since).
  const see = h("a", { class: "button", href: "/plan" }, "See my plan");
  return page("Your plan is ready",
    h("p", { class: "lead" }, "Thank you for taking the time for yourself. It's here whenever you need it."),
    plan.mergedAt ? mergedNote() : null,
    h("p", {}, "You can change any part of it whenever you like, even without signal. Only you can read it."),
    h("p", { class: "actions" }, see));
}

// ── the whole plan at a glance ───────────────────────────────────────────────────────

function mergedNote(onDone) {
  const note = h("div", { class: "conflict-note plan-merged", role: "status" },
    h("p", {}, "You changed your plan on two devices, so both versions are kept together here. "
      + "Tidy it whenever you like."));
  if (onDone) {
    const ok = h("button", { type: "button", class: "button secondary small-button" }, "OK, thanks");
    ok.addEventListener("click", onDone);
    note.append(ok);
  }
  return note;
}

function contactLinks(person) {
  if (!person.phone || phoneProblem(person.phone)) return null;
  const number = dialable(person.phone);
  return h("p", { class: "plan-contact" },
    h("a", { class: "button small-button", href: `tel:${number}` }, `Call ${person.name}`),
    h("a", { class: "button secondary small-button", href: `sms:${number}` }, `Text ${person.name}`));
}

function sectionBody(spec, plan) {
  const value = plan[spec.key];
  const empty = h("p", { class: "small" }, "Nothing here yet.");
  if (spec.key === "reasons") return value ? h("p", { class: "plan-reasons" }, value) : empty;
  if (spec.key === "people") {
    if (!value.length) return empty;
    return h("ul", { class: "plan-people" }, value.map((person) => h("li", { class: "plan-person" },
      h("p", { class: "plan-person-name" }, person.name),
      person.note ? h("p", { class: "small plan-person-note" }, person.note) : null,
      person.phone ? h("p", { class: "plan-person-phone" }, person.phone) : null,
      contactLinks(person))));
  }
  return value.length ? h("ul", { class: "plan-items" }, value.map((item) => h("li", {}, item))) : empty;
}

function overviewPage(plan, { said = "" } = {}) {
  const status = notice();
  let root = null;
  const sections = SECTIONS.map((spec) => {
    const edit = h("button", { type: "button", class: "button secondary small-button", "data-section": spec.key },
      plan[spec.key].length ? "Edit" : "Add",
      h("span", { class: "visually-hidden" }, ` ${spec.title[0].toLocaleLowerCase()}${spec.title.slice(1)}`));
    edit.addEventListener("click", () => showPage(editPage(spec, plan)));
    return h("section", { class: "card plan-section", "aria-labelledby": `plan-${spec.key}` },
      h("div", { class: "plan-section-head" },
        h("h2", { id: `plan-${spec.key}`, tabindex: "-1" }, spec.title),
        edit),
      sectionBody(spec, plan));
  });
  const note = plan.mergedAt ? mergedNote(async () => {
    try {
      const next = await acknowledgeMerge();
      const fresh = overviewPage(next);
      root.replaceWith(fresh);
      fresh.querySelector("h1").focus();
    } catch {
      status.error("That couldn't be saved just now. Please try again.");
    }
  }) : null;
  root = page(TITLE,
    h("p", { class: "lead" }, "For the days when it's hard to think straight. Only you can read it."),
    note,
    status.element,
    supportLinks(),
    ...sections,
    notClinical());
  // Said once the page is showing, so that the live region is there to announce it.
  if (said) whenShown(status.element, () => status.info(said));
  watchForChanges(root, plan);
  return root;
}

/** Another device's change arrives (or a clash to merge): show the plan as it now is. */
function watchForChanges(root, shown) {
  async function onChanged() {
    if (!root.isConnected) {
      syncEvents.removeEventListener("changed", onChanged);
      return;
    }
    const { plan } = await loadPlan().catch(() => ({ plan: null }));
    if (!plan || !root.isConnected || plan.updatedAt === shown.updatedAt) return;
    syncEvents.removeEventListener("changed", onChanged);
    const focused = document.activeElement?.dataset?.section;
    const fresh = overviewPage(plan);
    root.replaceWith(fresh);
    if (focused) fresh.querySelector(`[data-section="${focused}"]`)?.focus();
  }
  syncEvents.addEventListener("changed", onChanged);
}

function savedWords() {
  return navigator.onLine === false
    ? "Saved on this device. It will sync when you're back online."
    : "Your plan is saved.";
}

// ── changing one section ─────────────────────────────────────────────────────────────

function editPage(spec, plan, draft = null) {
  const before = draft?.before ?? plan[spec.key];
  const editor = editorFor(spec, draft ? draft.value : plan[spec.key], draft?.pending);
  const status = notice();
  const save = h("button", { type: "submit", class: "button small-button" }, "Save changes");
  const cancel = h("button", { type: "button", class: "button secondary small-button" },
    draft ? "Let these changes go" : "Cancel");
  const kept = draftNote("Your changes are kept on this device as you go.");
  const keeper = draftKeeper(() => ({
    mode: "edit", section: spec.key, before, value: editor.value(), pending: editor.pending(),
  }), kept);
  const form = h("form", { class: "plan-step-form", novalidate: true },
    h("p", {}, spec.why),
    editor.element,
    status.element,
    kept.element,
    h("div", { class: "step-buttons" }, cancel, save));
  form.addEventListener("input", () => keeper.changed());
  form.addEventListener("change", () => keeper.changed());

  async function backToPlan(next, said) {
    showPage(overviewPage(next, { said }));
    document.getElementById(`plan-${spec.key}`)?.focus();
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!editor.settle()) return;
    await keeper.stop();
    try {
      const saved = await busy(save, "Saving…", () => saveSection(spec.key, before, editor.value()));
      await discardPlanDraft().catch(() => {});
      backToPlan(saved, savedWords());
    } catch {
      keeper.resume();
      keeper.now();
      status.error("Your changes couldn't be saved just now. They're still here; please try again.");
    }
  });
  cancel.addEventListener("click", async () => {
    await keeper.stop();
    await discardPlanDraft().catch(() => {});
    const { plan: now } = await loadPlan().catch(() => ({ plan }));
    backToPlan(now ?? plan, "");
  });
  return page(spec.title,
    draft ? h("div", { class: "resumed" }, h("p", {}, "We kept the changes you hadn't saved yet.")) : null,
    form);
}

// ── the route ────────────────────────────────────────────────────────────────────────

function unreadablePage() {
  return page(TITLE,
    h("p", {}, "Your plan couldn't be opened on this device. It may have been saved by a newer "
      + "version of Tend: updating the app may open it. It has been left just as it is."),
    supportLinks());
}

/** `/plan`: the guided first fill, or the plan at a glance (with any unsaved edit resumed). */
export async function planView() {
  const [{ plan, unreadable }, draft] = await Promise.all([
    loadPlan(), loadPlanDraft().catch(() => null),
  ]);
  if (unreadable) return { title: TITLE, content: unreadablePage() };
  // A first fill left half-way comes back first, even if a plan has arrived from another
  // device meanwhile: finishing it keeps both together.
  if (draft?.mode === "fill") return { title: TITLE, content: guidedFill(draft).page() };
  if (plan) {
    const spec = draft?.mode === "edit" ? section(draft.section) : null;
    if (spec) return { title: spec.title, content: editPage(spec, plan, draft) };
    return { title: TITLE, content: overviewPage(plan) };
  }
  return { title: TITLE, content: introPage(() => guidedFill(null).show()) };
}
