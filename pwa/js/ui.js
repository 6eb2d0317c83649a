/* Small building blocks for forms and pages, so every screen speaks and behaves alike. */
import { h } from "./dom.js";

let fieldCount = 0;

/** A page: a section labelled by its h1, which receives focus on navigation. */
export function page(title, ...children) {
  return h("section", { "aria-labelledby": "page-title" },
    h("h1", { id: "page-title", tabindex: "-1" }, title),
    ...children);
}

/** Show a new page in place of the current one, as the router would: title, focus, top. */
export function showPage(content) {
  const main = document.getElementById("main");
  unannounce();
  main.replaceChildren(content);
  const heading = content.querySelector("h1");
  document.title = `${heading.textContent} — Tend`;
  heading.focus();
  window.scrollTo(0, 0);
}

/**
 * A labelled input with an optional hint, and an error slot tied by aria-describedby.
 * @returns {{element: HTMLElement, input: HTMLInputElement, setError: (m: string) => void}}
 */
export function field({ label, name, type = "text", autocomplete, hint, required = true,
  maxlength, value, inputmode, multiline = false }) {
  const id = `field-${name}-${++fieldCount}`;
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  const input = h(multiline ? "textarea" : "input", {
    id,
    name,
    type: multiline ? null : type,
    autocomplete,
    required,
    maxlength,
    inputmode,
    "aria-describedby": [hintId, errorId].filter(Boolean).join(" "),
  });
  if (value !== undefined) input.value = value;
  const error = h("p", { id: errorId, class: "field-error", hidden: true });
  const element = h("div", { class: "field" },
    h("label", { for: id }, label),
    hint ? h("p", { id: hintId, class: "field-hint" }, hint) : null,
    input,
    error);
  function setError(message) {
    error.textContent = message || "";
    error.hidden = !message;
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }
  input.addEventListener("input", () => setError(""));
  return { element, input, setError };
}

/** A checkbox with its label; `checked` sets its first state. */
export function checkbox({ label, name, checked = false, value }) {
  const id = `check-${name}-${++fieldCount}`;
  const input = h("input", { type: "checkbox", id, name, value, checked });
  const element = h("div", { class: "check" }, input, h("label", { for: id }, label));
  return { element, input };
}

/** A region for a form's outcome: errors are announced at once, news politely. */
export function notice() {
  // Live regions must exist before their message arrives, or screen readers miss it:
  // one for news (polite), one for problems (assertive), both present from the start.
  const news = h("div", { role: "status" });
  const problem = h("div", { role: "alert" });
  const element = h("div", { class: "notice" }, news, problem);
  function say(region, other, kind, message) {
    other.replaceChildren();
    element.className = `notice ${kind}`;
    region.replaceChildren(h("p", {}, message));
  }
  return {
    element,
    error(message) {
      say(problem, news, "error", message);
    },
    info(message) {
      say(news, problem, "info", message);
    },
    clear() {
      news.replaceChildren();
      problem.replaceChildren();
    },
    /** Tie this notice to `inputs` (aria-describedby), marking `invalid` ones until edited. */
    tie(inputs, invalid = []) {
      element.id ||= `notice-${++fieldCount}`;
      for (const input of inputs) {
        const described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
        if (!described.includes(element.id)) described.push(element.id);
        input.setAttribute("aria-describedby", described.join(" "));
        if (invalid.includes(input)) {
          input.setAttribute("aria-invalid", "true");
          input.addEventListener("input", () => input.removeAttribute("aria-invalid"), { once: true });
        } else {
          input.removeAttribute("aria-invalid");
        }
      }
    },
  };
}

/**
 * Run `then` a frame after `element` is in the page: news said into a live region built
 * with its page is announced only once the region is showing. After 15 s of waiting (a
 * very large journal still opening) it runs anyway, so that news is never lost.
 */
export function whenShown(element, then, until = performance.now() + 15_000) {
  if (element.isConnected || performance.now() > until) requestAnimationFrame(() => setTimeout(then));
  else requestAnimationFrame(() => whenShown(element, then, until));
}

let sayTimer = 0;
let unsayTimer = 0;

/** Empty #said: news belongs to the page it came with (showPage calls this). */
function unannounce() {
  clearTimeout(sayTimer);
  clearTimeout(unsayTimer);
  document.getElementById("said")?.replaceChildren();
}

/**
 * Say `message` politely through the page's own live region (#said), there from the start:
 * for news that comes with a new page, whose own regions arrive together with it and so
 * would not be read. Emptied first and filled a moment later (two changes a screen reader
 * does not merge), so the same news twice is said twice; emptied again after 10 s or when
 * the page changes, so reading a later page from the top doesn't meet old news.
 */
export function announce(message) {
  const region = document.getElementById("said");
  if (!region) return;
  unannounce();
  sayTimer = setTimeout(() => {
    region.replaceChildren(h("p", {}, message));
    unsayTimer = setTimeout(unannounce, 10_000);
  }, 150);
}

/**
 * The line under a form kept as a draft as she goes: `hint` at first, then "Kept on this
 * device at 10:32." on screen. A screen reader hears `spoken` through a status region that
 * is in the page from the start, and only when those words change: "Kept on this device."
 * once, not at every pause in her writing; a failure, and the recovery after it, each once.
 * The visible line is hidden from screen readers, so nothing is read twice.
 */
export function draftNote(hint) {
  const words = h("span", {}, hint);
  const shown = h("span", { "aria-hidden": "true", hidden: true });
  const live = h("span", { class: "visually-hidden", role: "status" });
  return {
    element: h("p", { class: "small draft-note" }, words, shown, live),
    say(message, spoken = message) {
      words.hidden = true;
      shown.hidden = false;
      shown.textContent = message;
      if (live.textContent !== spoken) live.textContent = spoken;
    },
    /** Changes wait to be kept: the hint again on screen until the next say. */
    waiting() {
      shown.hidden = true;
      words.hidden = false;
    },
  };
}

/**
 * Run `work` while a button shows it is busy (and cannot be pressed twice).
 * @param {HTMLButtonElement} button
 * @param {string} busyText what the button says meanwhile
 */
export async function busy(button, busyText, work) {
  const idle = button.textContent;
  // Disabling a focused button drops its focus to <body>, and a keyboard user would start
  // again from the top: it is given back, unless the work has put the focus elsewhere.
  const focused = document.activeElement === button;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  button.textContent = busyText;
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    button.textContent = idle;
    const lost = !document.activeElement || document.activeElement === document.body;
    if (focused && lost && button.isConnected) button.focus();
  }
}

/** Show the API's field errors beside their fields; return true if any was shown. */
export function showFieldErrors(error, fields) {
  let shown = false;
  for (const detail of error.details || []) {
    const name = detail.field.split(".").pop();
    if (fields[name]) {
      fields[name].setError(detail.message);
      shown = true;
    }
  }
  return shown;
}

/** formatDay's formatters by their options: making one per call is slow (a trends page
    formats hundreds of days). */
const dayFormats = new Map();

/** A calendar day ("2026-11-23") in words: "23 November", with more through `options`
    (such as `{ weekday: "long" }` or `{ year: "numeric" }`). The day is the day: no time
    zone moves it. */
export function formatDay(key, options = {}) {
  const id = JSON.stringify(options);
  if (!dayFormats.has(id)) {
    dayFormats.set(id, new Intl.DateTimeFormat("en-GB", {
      day: "numeric", month: "long", timeZone: "UTC", ...options,
    }));
  }
  return dayFormats.get(id).format(new Date(`${key}T00:00:00Z`));
}

/** "23 November 2026 at 14:05" in the person's own time zone. */
export function formatDateTime(iso) {
  return new Intl.DateTimeFormat("en-GB", {
    day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit",
  }).format(new Date(iso));
}
