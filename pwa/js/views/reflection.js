/* The monthly reflection: the questionnaire from the data file, answered here, scored here,
   sealed here. Labelled as a reflection, never a diagnosis; no nagging if she skips one. */
import { listReflections, saveReflection } from "../checkins.js";
import { choiceGroup } from "../chips.js";
import { h } from "../dom.js";
import { loadInstrument, scoreReflection } from "../reflection.js";
import { announce, busy, notice, page, showPage } from "../ui.js";

function results(instrument, scored, previous) {
  const before = new Map((previous?.results ?? []).map((r) => [r.id, r]));
  return page("Your reflection",
    h("p", { class: "lead" }, "Thank you for taking the time. Here is what your answers suggest."),
    h("p", { class: "card note-card" }, instrument.not_a_diagnosis),
    scored.map((result) => h("section", { class: "card result", "aria-labelledby": `result-${result.id}`, "data-subscale": result.id },
      h("h2", { id: `result-${result.id}` }, result.name),
      result.score === null
        ? h("p", {}, `Some of these statements were skipped (${result.answered} of ${result.items} answered), so there is nothing to reflect on here this time.`)
        : [
          h("p", { class: "result-band" }, h("strong", {}, result.band.label), ` (${result.score}, on a scale from ${result.lowest} to ${result.highest})`),
          h("p", {}, result.band.text),
          before.get(result.id)?.label ? h("p", { class: "small" }, `Last time: ${before.get(result.id).label.toLocaleLowerCase()}.`) : null,
        ],
      result.technicalName ? h("p", { class: "small" }, `In research this is called ${result.technicalName}.`) : null)),
    h("p", { class: "small" }, instrument.credit),
    h("p", { class: "small" }, instrument.licence),
    h("ul", { class: "plain-list nav-list" },
      h("li", {}, h("a", { href: "/trends" }, "See this next to your check-ins")),
      h("li", {}, h("a", { href: "/support" }, "Get support now")),
      h("li", {}, h("a", { href: "/" }, "Back to your home"))));
}

export async function reflectionView() {
  const instrument = await loadInstrument().catch(() => null);
  if (!instrument) {
    return {
      title: "Monthly reflection",
      content: page("Monthly reflection",
        h("p", {}, "The reflection needs a connection the first time, to fetch its questions. After that it works without signal."),
        h("p", {}, h("a", { href: "/trends" }, "Back to your patterns"))),
    };
  }
  const previous = (await listReflections().catch(() => [])).at(-1);
  const options = instrument.scale.map((point) => ({ value: point.value, label: point.label }));
  const items = instrument.items.map((item, n) => ({
    item,
    group: choiceGroup({
      legend: `${n + 1}. ${item.text}`, name: `item-${item.id}`, options, describedBy: "reflection-question",
    }),
  }));
  const status = notice();
  const save = h("button", { type: "submit", class: "button" }, "See my reflection");
  let keepPartial = false;
  const form = h("form", { class: "reflection", novalidate: true },
    h("p", { class: "question", id: "reflection-question" }, instrument.question),
    items.map(({ group }) => group.element),
    status.element,
    h("div", { class: "sticky-actions" }, save));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const answers = Object.fromEntries(items
      .map(({ item, group }) => [item.id, group.value()])
      .filter(([, value]) => value !== null));
    if (Object.keys(answers).length === 0) {
      status.error("Answer at least one statement first, or come back another time.");
      return;
    }
    const skipped = items.length - Object.keys(answers).length;
    if (skipped > 0 && !keepPartial) {
      keepPartial = true;
      status.info(`${skipped === 1 ? "One statement is" : `${skipped} statements are`} unanswered, so part of your reflection can't be worked out. Answer ${skipped === 1 ? "it" : "them"}, or press "See my reflection" again to keep it as it is.`);
      return;
    }
    const scored = scoreReflection(instrument, answers);
    await busy(save, "Keeping it…", async () => {
      try {
        await saveReflection({ instrument, answers, results: scored });
        showPage(results(instrument, scored, previous));
        // The new page's heading takes focus; that it was kept is said too.
        announce("Your reflection is saved.");
      } catch (error) {
        status.error(`Your reflection wasn't saved: ${error.message}`);
      }
    });
  });
  return {
    title: "Monthly reflection",
    content: page(instrument.title,
      h("p", { class: "lead" }, instrument.intro),
      h("p", { class: "small" }, instrument.not_a_diagnosis),
      form),
  };
}
