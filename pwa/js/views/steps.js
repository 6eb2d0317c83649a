/* A short routine shown one step at a time, with Back and Next: used by 5-4-3-2-1 grounding
   and leaving work at work. Nothing is typed or kept; each new step is read out politely. */
import { h } from "../dom.js";

/**
 * @param {{id: string, title: string, intro: string, steps: {title: string, text: string}[],
 *   end: {title: string, text: string}, again: string}} routine
 */
export function stepByStep(routine) {
  const { id, title, intro, steps, end, again } = routine;
  let at = 0; // steps.length: the closing words
  const body = h("div", { class: "step-body", "aria-live": "polite" });
  const back = h("button", { type: "button", class: "button secondary small-button" }, "Back");
  const next = h("button", { type: "button", class: "button small-button" }, "Next");

  function show() {
    const finished = at === steps.length;
    const step = finished ? end : steps[at];
    body.replaceChildren(
      h("p", { class: "step-count" }, finished ? "Done" : `Step ${at + 1} of ${steps.length}`),
      h("h3", {}, step.title),
      h("p", {}, step.text));
    const backHadFocus = document.activeElement === back;
    back.hidden = at === 0;
    next.textContent = finished ? again : at === steps.length - 1 ? "Finish" : "Next";
    // Back is gone on the first step: her focus moves on to Next rather than to nowhere.
    if (backHadFocus && back.hidden) next.focus();
  }

  next.addEventListener("click", () => {
    at = at === steps.length ? 0 : at + 1;
    show();
  });
  back.addEventListener("click", () => {
    at = Math.max(0, at - 1);
    show();
  });
  show();

  return h("section", { class: "card toolkit-section steps", id, "aria-labelledby": `${id}-title` },
    h("h2", { id: `${id}-title` }, title),
    h("p", {}, intro),
    body,
    h("div", { class: "step-buttons" }, back, next));
}
