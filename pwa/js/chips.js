/* Chips: groups of real checkboxes (or radios) styled as tappable chips, and a box to add
   her own word to a group. Used by the journal and the check-in. */
import { h } from "./dom.js";

let chipCount = 0;

/** Toggle chips: real checkboxes in a fieldset, styled as chips. */
export function chipGroup({ legend, hint, words, chosen, name }) {
  const list = h("div", { class: "chips" });
  const boxes = new Map();
  function add(word, checked) {
    if (boxes.has(word)) {
      boxes.get(word).checked = boxes.get(word).checked || checked;
      return boxes.get(word);
    }
    const id = `chip-${name}-${++chipCount}`;
    const input = h("input", { type: "checkbox", id, name, value: word, checked });
    boxes.set(word, input);
    list.append(h("span", { class: "chip" }, input, h("label", { for: id }, word)));
    return input;
  }
  for (const word of words) add(word, chosen.includes(word));
  for (const word of chosen) add(word, true);
  const hintId = hint ? `hint-${name}-${++chipCount}` : null;
  const element = h("fieldset", { class: "chip-group", "aria-describedby": hintId },
    h("legend", {}, legend),
    hint ? h("p", { class: "field-hint", id: hintId }, hint) : null,
    list);
  return {
    element,
    add,
    values: () => [...boxes.values()].filter((box) => box.checked).map((box) => box.value),
  };
}

/** A text box and button that add her own word to a chip group, checked. */
export function ownWordAdder(group, { label, lowercase = false, stripHash = false }) {
  const input = h("input", {
    id: `own-tag-${++chipCount}`, type: "text", maxlength: 40, autocomplete: "off", enterkeyhint: "done",
  });
  const addButton = h("button", { type: "button", class: "button secondary small-button" }, "Add");
  function addTag() {
    let word = input.value.trim();
    if (stripHash) word = word.replace(/^#/, "");
    if (lowercase) word = word.toLocaleLowerCase();
    if (!word) return;
    group.add(word, true).dispatchEvent(new Event("change", { bubbles: true }));
    input.value = "";
    input.focus();
  }
  addButton.addEventListener("click", addTag);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      addTag();
    }
  });
  return h("div", { class: "field own-tag" },
    h("label", { for: input.id }, label),
    h("div", { class: "own-tag-row" }, input, addButton));
}

/**
 * One choice from a few (radios in a fieldset, styled as a row of chips).
 * @param {{legend: string, name: string, options: {value: (string|number), label: string}[],
 *   chosen?: (string|number|null), scale?: boolean, describedBy?: string}} options `scale`
 *   lays them out as equal segments of one row (for a 1–5 scale); `describedBy` names an
 *   element that explains the question
 */
export function choiceGroup({ legend, name, options, chosen = null, scale = false, describedBy = null }) {
  const radios = options.map((option) => {
    const id = `choice-${name}-${++chipCount}`;
    const input = h("input", {
      type: "radio", id, name, value: option.value, checked: option.value === chosen,
    });
    return { input, element: h("span", { class: "chip" }, input, h("label", { for: id }, option.label)) };
  });
  const element = h("fieldset", { class: scale ? "chip-group scale" : "chip-group", "aria-describedby": describedBy },
    h("legend", {}, legend),
    h("div", { class: "chips" }, radios.map((radio) => radio.element)));
  return {
    element,
    /** The chosen value (a number for a numeric scale), or null. */
    value() {
      const option = options[radios.findIndex((radio) => radio.input.checked)];
      return option ? option.value : null;
    },
  };
}
