/* Password fields: a labelled input with Show, and for a new password a strength meter and
   a kind word on how to make it stronger. Strength comes from zxcvbn-ts and its bundled
   list of common passwords, loaded only when a password is first assessed, so screens
   without a new-password field never download them. Nothing leaves the device. */
import { h } from "./dom.js";

export const MIN_LENGTH = 10;

const CORE_URL = new URL("../vendor/zxcvbn-ts/core.js", import.meta.url).href;
const COMMON_URL = new URL("../vendor/zxcvbn-ts/language-common.js", import.meta.url).href;
const COMMON_DICTIONARY = "passwords-common";
const DEBOUNCE_MS = 150;

const LABELS = ["Weak", "Weak", "Fair", "Good", "Strong"];
const TRY_WORDS = "Try a few unrelated words instead.";
const MESSAGES = {
  short: "Use at least 10 characters. A few unrelated words make a strong, memorable password.",
  common: `This is one of the most common passwords. ${TRY_WORDS}`,
  personal: `This is close to your name or email, which someone could guess. ${TRY_WORDS}`,
  weak: "This would be fairly easy to guess. Adding a few unrelated words would make it much stronger.",
  fair: "This will work. Another word or two would make it harder to guess.",
  good: "This is a good password. Make sure it's one you'll remember.",
  strong: "This is a strong password. Make sure it's one you'll remember.",
  unchecked: "Tend couldn't check this password just now. Please check your connection and try again.",
  missing: "Please enter your password.",
};
/* zxcvbn's warning keys, said Tend's way. */
const WARNINGS = {
  straightRow: `Rows of keys on the keyboard are easy to guess. ${TRY_WORDS}`,
  keyPattern: `Keyboard patterns are easy to guess. ${TRY_WORDS}`,
  simpleRepeat: `Repeated letters are easy to guess. ${TRY_WORDS}`,
  extendedRepeat: `Repeated patterns are easy to guess. ${TRY_WORDS}`,
  sequences: `Sequences like abc or 1234 are easy to guess. ${TRY_WORDS}`,
  recentYears: `Recent years are easy to guess. ${TRY_WORDS}`,
  dates: `Dates are easy to guess. ${TRY_WORDS}`,
  topTen: MESSAGES.common,
  topHundred: MESSAGES.common,
  common: MESSAGES.common,
  similarToCommon: `This is close to a very common password. ${TRY_WORDS}`,
  wordByItself: "A single word is easy to guess. Add a few more unrelated words.",
  namesByThemselves: "A name on its own is easy to guess. Add a few unrelated words.",
  commonNames: "Common names are easy to guess. Add a few unrelated words.",
  userInputs: MESSAGES.personal,
};

let engine = null;

/** zxcvbn and the common-password list, imported once, on first use. */
function loadEngine() {
  engine ??= Promise.all([import(CORE_URL), import(COMMON_URL)]).then(([core, common]) => {
    const { dictionary, adjacencyGraphs } = common.default;
    return {
      zxcvbn: new core.default.ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs }),
      common: new Set(dictionary[COMMON_DICTIONARY].map((word) => String(word).toLowerCase())),
    };
  }).catch((error) => {
    engine = null; // let a later attempt try again (say, once back online)
    throw error;
  });
  return engine;
}

/** Her name, email and so on, whole and in their parts: "Jade Smith" also gives "jade", "smith". */
function guessable(userInputs) {
  const words = new Set();
  for (const input of userInputs) {
    const text = String(input ?? "").trim().toLowerCase();
    if (!text) continue;
    words.add(text);
    const parts = text.split(/[^\p{L}\p{N}]+/u).filter((part) => part.length >= 3);
    for (const part of parts) words.add(part);
    if (parts.length > 1) words.add(parts.join(""));
  }
  return [...words];
}

function result(acceptable, score, label, message) {
  return { acceptable, score, label, message };
}

/**
 * How guessable a new password is.
 * @param {string} password
 * @param {string[]} [userInputs] her name, email, organisation: guessable by anyone who knows her
 * @returns {Promise<{acceptable: boolean, score: number, label: string, message: string}>}
 */
export async function assessPassword(password, userInputs = []) {
  if ([...password].length < MIN_LENGTH) return result(false, 0, "Too short", MESSAGES.short);
  const { zxcvbn, common } = await loadEngine();
  if (common.has(password.toLowerCase())) return result(false, 0, "Too common", MESSAGES.common);
  const { score, sequence, feedback } = zxcvbn.check(password, guessable(userInputs));
  const whole = sequence.length === 1 && sequence[0].pattern === "dictionary" ? sequence[0] : null;
  if (whole?.dictionaryName === COMMON_DICTIONARY) return result(false, 0, "Too common", MESSAGES.common);
  if (whole?.dictionaryName === "userInputs") return result(false, 0, "Weak", MESSAGES.personal);
  if (score < 2) return result(false, score, "Weak", WARNINGS[feedback.warning] || MESSAGES.weak);
  return result(true, score, LABELS[score], [MESSAGES.fair, MESSAGES.good, MESSAGES.strong][score - 2]);
}

/**
 * A labelled password input with a Show toggle; for a new password, a strength meter too.
 * @param {object} options
 * @param {string} options.id the input's id (and name); other ids are derived from it
 * @param {string} options.label
 * @param {string} [options.autocomplete] "new-password" or "current-password"
 * @param {() => string[]} [options.userInputs] read at each check: her name, email and so on
 * @param {string} [options.hint] shown under the label, tied by aria-describedby
 * @param {boolean} [options.meter] false for sign-in and unlock: no meter, no assessment
 */
export function passwordField({ id, label, autocomplete = "new-password", userInputs = () => [],
  hint, meter = true }) {
  const hintId = hint ? `${id}-hint` : null;
  const messageId = `${id}-message`;
  const input = h("input", {
    id,
    name: id,
    type: "password",
    autocomplete,
    required: true,
    // Once shown as text, it must not be spell-checked (which may send it away) or altered.
    spellcheck: "false",
    autocapitalize: "none",
    autocorrect: "off",
    "aria-describedby": [hintId, messageId].filter(Boolean).join(" "),
  });
  const toggle = h("button", {
    type: "button",
    class: "password-toggle",
    "aria-label": "Show password",
    "aria-pressed": "false",
    "aria-controls": id,
    onclick: () => setVisible(input.type === "password"),
  }, "Show");
  const strength = meter
    ? h("meter", { class: "password-meter", min: 0, max: 4, value: 0, "aria-label": "Password strength" })
    : null;
  const message = h("p", { id: messageId, class: "password-message", "aria-live": "polite" });
  const element = h("div", { class: "field password-field" },
    h("label", { for: id }, label),
    hint ? h("p", { id: hintId, class: "field-hint" }, hint) : null,
    h("div", { class: "password-row" }, input, toggle),
    strength,
    message);

  let shown = "";
  let timer = 0;
  let latest = 0;

  function setVisible(visible) {
    input.type = visible ? "text" : "password";
    toggle.setAttribute("aria-pressed", String(visible));
  }

  /** Show an outcome; the live region changes (and speaks) only when the words do. */
  function show({ acceptable, score, label: verdict, message: words }) {
    if (strength) {
      strength.value = score;
      strength.dataset.level = input.value ? String(score) : "";
      if (verdict) strength.setAttribute("aria-valuetext", verdict);
      else strength.removeAttribute("aria-valuetext");
    }
    message.dataset.acceptable = String(acceptable);
    const text = `${verdict}|${words}`;
    if (text === shown) return;
    shown = text;
    message.replaceChildren(...(verdict ? [h("strong", {}, `${verdict}.`), " "] : []), words);
  }

  async function assess() {
    if (!meter) {
      return input.value ? result(true, 0, "", "") : result(false, 0, "", MESSAGES.missing);
    }
    try {
      return await assessPassword(input.value, userInputs());
    } catch {
      return result(false, 0, "", MESSAGES.unchecked);
    }
  }

  async function update() {
    const run = ++latest;
    const outcome = input.value ? await assess() : result(false, 0, "", "");
    if (run !== latest) return; // she has typed since; a newer assessment is on its way
    show(outcome);
    if (outcome.acceptable || !input.value) input.removeAttribute("aria-invalid");
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    if (!meter) {
      if (input.value) update();
      return;
    }
    timer = setTimeout(update, DEBOUNCE_MS);
  });
  if (meter) input.addEventListener("focus", () => loadEngine().catch(() => {}), { once: true });

  return {
    element,
    input,
    /** Assess now; if it won't do, mark the input invalid and say why. */
    async check() {
      clearTimeout(timer);
      const run = ++latest;
      const outcome = await assess();
      if (run === latest) show(outcome);
      if (outcome.acceptable) input.removeAttribute("aria-invalid");
      else input.setAttribute("aria-invalid", "true");
      return outcome;
    },
    /** Empty the field, hide the password again and clear the meter (say, after saving). */
    clear() {
      clearTimeout(timer);
      latest++;
      input.value = "";
      input.removeAttribute("aria-invalid");
      setVisible(false);
      show(result(false, 0, "", ""));
    },
  };
}
