/* The breathing pacer: a slow circle and the phase in words, one second at a time. With
   reduced motion there is no circle, only the words and a count. It stops when she stops it,
   leaves the page or the tab is hidden. Nothing is saved. */
import { choiceGroup } from "../chips.js";
import { h } from "../dom.js";
import { BREATHING } from "../toolkit-content.js";
import { checkbox } from "../ui.js";

/** One count of the pacer (ms). Tests move time on with Playwright's clock. */
export const TICK_MS = 1000;

const reducedMotion = () => matchMedia("(prefers-reduced-motion: reduce)");

export function breathingPacer() {
  const patterns = new Map(BREATHING.patterns.map((p) => [p.id, p]));
  const choice = choiceGroup({
    legend: BREATHING.legend, name: "breathing-pattern", chosen: BREATHING.patterns[0].id,
    options: BREATHING.patterns.map((p) => ({ value: p.id, label: p.label })),
    describedBy: "pacer-detail",
  });
  const detail = h("p", { id: "pacer-detail", class: "field-hint" });
  const words = h("p", { class: "pacer-words" }, BREATHING.ready);
  const count = h("p", { class: "pacer-count" });
  const circle = h("div", { class: "pacer-circle", "data-size": "empty" });
  const ring = h("div", { class: "pacer-ring" }, count);
  const stage = h("div", { class: "pacer-stage", "aria-hidden": "true" }, ring, words);
  const announce = h("p", { class: "visually-hidden", role: "status" });
  const toggle = h("button", { type: "button", class: "button pacer-toggle" }, BREATHING.start);
  const vibration = typeof navigator.vibrate === "function"
    ? checkbox({ label: BREATHING.vibrate, name: "pacer-vibrate" }) : null;
  const element = h("div", { class: "pacer" },
    choice.element, detail, stage, announce,
    h("p", { class: "pacer-controls" }, toggle),
    vibration ? [vibration.element,
      h("p", { class: "small pacer-hint", id: "pacer-vibrate-hint" }, BREATHING.vibrateHint)] : null);
  vibration?.input.setAttribute("aria-describedby", "pacer-vibrate-hint");

  let timer = null;
  let phases = [];
  let phase = 0;
  let left = 0;

  /** The circle is there only when motion is welcome, and follows the phase's size. */
  function showCircle(size, seconds) {
    circle.dataset.seconds = String(seconds);
    circle.dataset.size = size;
    if (reducedMotion().matches) circle.remove();
    else if (!circle.isConnected) ring.prepend(circle);
  }

  function describe() {
    detail.textContent = patterns.get(choice.value()).detail;
  }

  function beginPhase() {
    const { words: said, seconds, size } = phases[phase];
    left = seconds;
    words.textContent = said;
    count.textContent = String(left);
    announce.textContent = `${said}… ${seconds}`;
    showCircle(size, seconds);
    if (vibration?.input.checked) navigator.vibrate(40);
  }

  function tick() {
    // She has left the page: nothing more happens.
    if (!element.isConnected) {
      stop({ quietly: true });
      return;
    }
    left -= 1;
    if (left <= 0) {
      phase = (phase + 1) % phases.length;
      beginPhase();
    } else {
      count.textContent = String(left);
    }
    timer = setTimeout(tick, TICK_MS);
  }

  function onHidden() {
    if (document.visibilityState === "hidden") stop();
  }

  function start() {
    stop({ quietly: true });
    phases = patterns.get(choice.value()).phases;
    phase = 0;
    toggle.textContent = BREATHING.stop;
    element.classList.add("running");
    document.addEventListener("visibilitychange", onHidden);
    window.addEventListener("pagehide", onHidden);
    beginPhase();
    timer = setTimeout(tick, TICK_MS);
  }

  function stop({ quietly = false } = {}) {
    const wasRunning = timer !== null;
    clearTimeout(timer);
    timer = null;
    document.removeEventListener("visibilitychange", onHidden);
    window.removeEventListener("pagehide", onHidden);
    if (!wasRunning) return;
    if (vibration?.input.checked) navigator.vibrate(0);
    toggle.textContent = BREATHING.start;
    element.classList.remove("running");
    words.textContent = BREATHING.ready;
    count.textContent = "";
    showCircle("empty", 2);
    if (!quietly) announce.textContent = BREATHING.stopped;
  }

  toggle.addEventListener("click", () => (timer === null ? start() : stop()));
  choice.element.addEventListener("change", () => {
    describe();
    if (timer !== null) start();
  });
  // Reduced motion turned on (or off) while the page is open: the circle follows.
  const motion = reducedMotion();
  motion.addEventListener("change", function follow() {
    if (!element.isConnected) motion.removeEventListener("change", follow);
    else showCircle(circle.dataset.size, circle.dataset.seconds);
  });
  describe();
  showCircle("empty", 2);
  return element;
}
