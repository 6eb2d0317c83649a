/* "Right now": breathing, 5-4-3-2-1 grounding, leaving work at work, and short explainers.
   All of it works offline, and nothing on this page is sent or stored anywhere. */
import { h } from "../dom.js";
import { BREATHING, EXPLAINERS, GROUNDING, LEAVING_WORK, RIGHT_NOW } from "../toolkit-content.js";
import { page } from "../ui.js";
import { breathingPacer } from "./breathing.js";
import { stepByStep } from "./steps.js";

const JUMPS = [
  ["breathe", "Breathe"],
  [GROUNDING.id, "Ground yourself"],
  [LEAVING_WORK.id, "On the way home"],
  [EXPLAINERS.id, "Making sense"],
];

function explainers() {
  const { id, title, intro, topics, notDiagnosis, support } = EXPLAINERS;
  return h("section", { class: "toolkit-section explainers", id, "aria-labelledby": `${id}-title` },
    h("h2", { id: `${id}-title` }, title),
    h("p", {}, intro),
    topics.map((topic) => h("details", { class: "explainer" },
      h("summary", {}, topic.title),
      h("div", { class: "explainer-body" }, topic.paragraphs.map((text) => h("p", {}, text))))),
    h("p", { class: "not-diagnosis" }, notDiagnosis, " ", h("a", { href: "/support" }, support), "."));
}

export function rightNowView() {
  return {
    title: RIGHT_NOW.title,
    content: page(RIGHT_NOW.title,
      h("p", { class: "lead" }, RIGHT_NOW.lead),
      h("p", { class: "card right-now-difficult" },
        h("a", { href: "/after-difficult" }, "After something difficult: start here")),
      h("nav", { class: "toolkit-jumps", "aria-label": "On this page" },
        h("ul", {}, JUMPS.map(([id, label]) => h("li", {}, h("a", { href: `#${id}` }, label))))),
      h("section", { class: "card toolkit-section", id: "breathe", "aria-labelledby": "breathe-title" },
        h("h2", { id: "breathe-title" }, BREATHING.title),
        h("p", {}, BREATHING.intro),
        breathingPacer()),
      stepByStep(GROUNDING),
      stepByStep(LEAVING_WORK),
      explainers()),
  };
}
