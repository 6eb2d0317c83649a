/* The 30-second check-in: a few taps, one-handed, no connection needed. Everything is
   optional except one tap; nothing counts streaks or notices missed days. */
import { CONTEXTS, HELPED, listCheckins, saveCheckin, saysSomething } from "../checkins.js";
import { chipGroup, choiceGroup, ownWordAdder } from "../chips.js";
import { h } from "../dom.js";
import { feelingWords } from "../prompts.js";
import { hasRole } from "../session.js";
import { loadToolkit } from "../toolkit.js";
import { announce, busy, field, notice, page, showPage } from "../ui.js";
import { followUpOffer } from "./follow-up.js";

export const SCALES = Object.freeze({
  stress: { legend: "Stress", words: ["Very low", "Low", "Some", "High", "Very high"] },
  energy: { legend: "Energy", words: ["Very low", "Low", "Some", "Good", "Full"] },
  sleep: { legend: "Last night's sleep", words: ["Very poor", "Poor", "OK", "Good", "Very good"] },
});

function scaleGroup(measure) {
  const { legend, words } = SCALES[measure];
  return choiceGroup({
    legend, name: measure, scale: true,
    options: words.map((label, i) => ({ value: i + 1, label })),
  });
}

/** Her own words from earlier check-ins join the suggestions, after them. */
function ownWords(checkins, key, offered) {
  const known = new Set(offered);
  return [...new Set(checkins.flatMap((c) => c[key] ?? []))].filter((w) => !known.has(w));
}

const KIND_WORDS = [
  "Noticing how you are is a kind thing to do.",
  "Thank you for taking a moment for yourself.",
  "However today went, you showed up for yourself just now.",
];

function acknowledgement(checkin) {
  const heavy = (checkin.stress ?? 0) >= 4 || (checkin.energy ?? 5) <= 1;
  const line = heavy
    ? "That sounds like a lot. Go gently with yourself for the rest of today."
    : KIND_WORDS[new Date(checkin.at).getMinutes() % KIND_WORDS.length];
  const difficult = checkin.difficult ? h("section", { class: "card difficult", "aria-labelledby": "difficult-title" },
    h("h2", { id: "difficult-title" }, "Something difficult happened"),
    h("p", {}, "You don't have to carry it on your own. When you're ready, you could:"),
    h("ul", { class: "plain-list nav-list" },
      h("li", {}, h("a", { href: "/after-difficult" }, "Take a moment, then choose what might help")),
      h("li", {}, h("a", { href: "/support" }, "Get support now")),
      h("li", {}, h("a", { href: "/journal/write?prompt=difficult-what-happened" }, "Write about it, in as few words as you like"))),
    h("p", {}, "Or ask your supervisor, or whoever is in charge on shift, for a few minutes to talk it through."),
    hasRole("worker") ? h("p", {}, h("a", { href: "/sharing#talk" }, "Let your supervisor know you'd like to talk")) : null,
    followUpOffer(),
    h("p", { class: "small" }, "Only you can see that you marked this.")) : null;
  return page("Thank you for checking in",
    h("p", { class: "lead" }, line),
    difficult,
    h("ul", { class: "plain-list nav-list" },
      h("li", {}, h("a", { href: "/trends" }, "See your patterns")),
      h("li", {}, h("a", { href: "/" }, "Back to your home"))));
}

export async function checkinView() {
  const earlier = await listCheckins().catch(() => []);
  const scales = { stress: scaleGroup("stress"), energy: scaleGroup("energy"), sleep: scaleGroup("sleep") };
  await loadToolkit(); // the organisation's own feeling words join Tend's
  const offered = feelingWords();
  const feelings = chipGroup({
    legend: "Feelings", hint: "Any that fit, or add your own.", name: "feelings", chosen: [],
    words: [...offered, ...ownWords(earlier, "feelings", offered)],
  });
  const helped = chipGroup({
    legend: "What helped today", name: "helped", chosen: [],
    words: [...HELPED, ...ownWords(earlier, "helped", HELPED)],
  });
  const context = choiceGroup({ legend: "Work today", name: "context", options: CONTEXTS });
  const difficult = h("input", { type: "checkbox", id: "checkin-difficult", name: "difficult" });
  const note = field({
    label: "A private note (optional)", name: "note", multiline: true, required: false,
    maxlength: 2000, hint: "Only you can read this.",
  });
  const status = notice();
  const save = h("button", { type: "submit", class: "button" }, "Save check-in");

  const form = h("form", { class: "checkin", novalidate: true },
    scales.stress.element, scales.energy.element, scales.sleep.element,
    context.element,
    h("div", { class: "check difficult-check" }, difficult,
      h("label", { for: difficult.id }, "Something difficult happened")),
    feelings.element, ownWordAdder(feelings, { label: "Add a feeling word", lowercase: true }),
    helped.element, ownWordAdder(helped, { label: "Add something that helped", lowercase: true }),
    h("details", { class: "note" }, h("summary", {}, "Add a private note"), note.element),
    h("p", {}, h("button", { type: "reset", class: "button secondary" }, "Clear my answers")),
    status.element,
    h("div", { class: "sticky-actions" }, save));

  form.addEventListener("reset", () => status.clear());
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const fields = {
      stress: scales.stress.value(), energy: scales.energy.value(), sleep: scales.sleep.value(),
      context: context.value(), difficult: difficult.checked,
      feelings: feelings.values(), helped: helped.values(), note: note.input.value,
    };
    if (!saysSomething(fields)) {
      status.error("Tap at least one thing, then save. Everything else can be skipped.");
      return;
    }
    await busy(save, "Saving…", async () => {
      try {
        showPage(acknowledgement(await saveCheckin(fields)));
        // The new page's heading takes focus; that it was kept is said too.
        announce(navigator.onLine
          ? "Your check-in is saved."
          : "Your check-in is saved on this device. It will sync when you're back online.");
        // What she keeps up to date for her supervisor follows, quietly, when online.
        import("../sharing.js").then((sharing) => sharing.keepSharesUpToDate()).catch(() => {});
      } catch (error) {
        status.error(`Your check-in wasn't saved: ${error.message}`);
      }
    });
  });

  return {
    title: "Check in",
    content: page("Check in",
      h("p", { class: "lead" }, "How are you right now? Tap whatever fits and skip the rest."),
      h("p", { class: "plan-link" }, h("a", { href: "/plan" }, "Your self-care plan")),
      form),
  };
}
