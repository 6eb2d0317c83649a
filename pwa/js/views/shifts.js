/* Your shifts: a rota that repeats (from a preset, changed day by day) and one-off shifts.
   Reminders keep out of them, and can come once one ends. */
import { h } from "../dom.js";
import { OfflineError } from "../api.js";
import { choiceGroup } from "../chips.js";
import {
  PRESETS, SHIFT_KINDS, addShift, clearPattern, comingShifts, isUntouched, laterBy,
  loadReminders, patternBody, phoneTimeZone, planZone, presetOf, removeShift, saveSettings,
  savePattern, shiftKind, shiftWords, todayIn, usualLength, usualShift,
} from "../reminders.js";
import { addDays } from "../trends.js";
import { busy, field, formatDay, notice, page } from "../ui.js";
import { card, notOpened, problemText, showProblem } from "./reminders.js";

const MAX_DAYS = 28;
let selectCount = 0;

/** A labelled select, shaped like `field()`; `hideLabel` when a group already says it. */
function selectField({ label, options, value, hideLabel = false }) {
  const id = `select-${++selectCount}`;
  const input = h("select", { id }, options.map((option) => h("option", { value: option.value }, option.label)));
  input.value = value;
  return {
    element: h("div", { class: "field" }, h("label", { for: id, class: hideLabel ? "visually-hidden" : null }, label), input),
    input,
  };
}

/** Her zone follows this phone until she has saved anything: say so before the first save. */
async function settleZone(read) {
  const phone = phoneTimeZone();
  if (isUntouched(read.plan) && read.plan.settings.time_zone !== phone) {
    await saveSettings({ ...read.plan.settings, time_zone: phone });
  }
}

function patternSection(context) {
  const saved = context.read().plan.pattern;
  let days = saved ? saved.days.map((day) => day && { ...day }) : [];
  const status = notice();
  const preset = choiceGroup({
    legend: "Start from", name: "rota-preset",
    options: PRESETS.map(({ id, label }) => ({ value: id, label })),
    chosen: saved ? presetOf(saved.days) : null,
  });
  const startsOn = field({
    label: "First day of the pattern", name: "rota-starts-on", type: "date",
    value: saved?.starts_on ?? todayIn(planZone(context.read().plan)),
  });
  const list = h("ol", { class: "plain-list rota-days" });
  const addDay = h("button", { type: "button", class: "link-button" }, "Add a day");
  const removeDay = h("button", { type: "button", class: "link-button" }, "Remove the last day");
  const dayButtons = h("div", { class: "button-row rota-length" }, addDay, removeDay);
  const save = h("button", { type: "submit", class: "button" }, "Save rota");
  const clear = h("button", { type: "button", class: "button secondary" }, "Clear rota");
  let rows = [];

  function custom() {
    preset.element.querySelector("input[value=custom]").checked = true;
  }

  function dayRow(day, index) {
    const date = startsOn.input.value ? addDays(startsOn.input.value, index) : null;
    const kind = selectField({
      label: "Shift", value: day ? day.kind : "off", hideLabel: true,
      options: [{ value: "off", label: "Day off" }, ...SHIFT_KINDS],
    });
    const start = field({ label: "Starts", name: `rota-start-${index}`, type: "time", value: day?.start ?? "" });
    const end = field({ label: "Ends", name: `rota-end-${index}`, type: "time", value: day?.end ?? "" });
    const times = h("div", { class: "time-pair" }, start.element, end.element);
    times.hidden = !day;
    kind.input.addEventListener("change", () => {
      const before = days[index];
      const value = kind.input.value;
      if (value === "off") {
        days[index] = null;
      } else {
        const usual = usualShift(value);
        const keep = before && !(before.start === shiftKind(before.kind).start && before.end === shiftKind(before.kind).end);
        days[index] = keep ? { ...before, kind: value } : usual;
        start.input.value = days[index].start;
        end.input.value = days[index].end;
      }
      times.hidden = !days[index];
      custom();
    });
    for (const [input, key] of [[start.input, "start"], [end.input, "end"]]) {
      input.addEventListener("change", () => {
        if (days[index]) days[index][key] = input.value;
        custom();
      });
    }
    rows.push({ start, end });
    const name = `Day ${index + 1}` + (date ? `: ${formatDay(date, { weekday: "long" })}` : "");
    return h("li", {}, h("div", { class: "rota-day", role: "group", "aria-label": name },
      h("div", { class: "rota-day-head" },
        h("p", { class: "rota-day-name", "aria-hidden": "true" }, h("strong", {}, `Day ${index + 1}`),
          date ? h("span", {}, formatDay(date, { weekday: "short", month: "short" })) : null),
        kind.element),
      times));
  }

  function draw() {
    rows = [];
    list.replaceChildren(...days.map(dayRow));
    list.hidden = dayButtons.hidden = save.hidden = !days.length;
    addDay.disabled = days.length >= MAX_DAYS;
    removeDay.disabled = days.length <= 1;
    clear.hidden = !context.read().plan.pattern;
  }

  preset.element.addEventListener("change", () => {
    const id = preset.value();
    if (id !== "custom" || !days.length) days = PRESETS.find((p) => p.id === id).days();
    draw();
  });
  startsOn.input.addEventListener("change", draw);
  addDay.addEventListener("click", () => {
    days.push(null);
    custom();
    draw();
    list.lastElementChild.querySelector("select").focus();
  });
  removeDay.addEventListener("click", () => {
    days.pop();
    custom();
    draw();
    removeDay.disabled ? addDay.focus() : removeDay.focus();
  });

  const form = h("form", { novalidate: true },
    preset.element, startsOn.element, list, dayButtons, status.element,
    h("div", { class: "button-row" }, save, clear));
  form.addEventListener("input", () => status.clear());
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    status.clear();
    const missing = [];
    const need = (target, empty, message) => {
      target.setError(empty ? message : "");
      if (empty) missing.push({ target, message });
    };
    need(startsOn, !startsOn.input.value, "Choose the first day of the pattern.");
    days.forEach((day, index) => {
      need(rows[index].start, day && !day.start, `Choose when day ${index + 1}'s shift starts.`);
      need(rows[index].end, day && !day.end, `Choose when day ${index + 1}'s shift ends.`);
    });
    if (missing.length) {
      status.error(`Not saved yet. ${missing[0].message}`);
      missing[0].target.input.focus();
      return;
    }
    busy(save, "Saving…", async () => {
      try {
        await settleZone(context.read());
        await context.update(() => savePattern(patternBody(startsOn.input.value, days)));
      } catch (error) {
        showProblem(error, { starts_on: startsOn }, status);
        return;
      }
      draw();
      status.info(`Saved. Your rota repeats every ${days.length} ${days.length === 1 ? "day" : "days"}.`);
    });
  });
  clear.addEventListener("click", () => busy(clear, "Clearing…", async () => {
    try {
      await context.update(async () => {
        await clearPattern();
        return loadReminders();
      });
    } catch (error) {
      status.error(problemText(error));
      return;
    }
    days = [];
    for (const radio of preset.element.querySelectorAll("input")) radio.checked = false;
    draw();
    status.info("Your rota is cleared.");
    preset.element.querySelector("input").focus();
  }));
  draw();
  return card("rota", "A rota that repeats",
    h("p", {}, "If your shifts follow a pattern, set it once. Choose one to start from, then change any day."),
    form);
}

function oneOffSection(context) {
  const status = notice();
  const kind = selectField({ label: "Shift", value: "long-day", options: SHIFT_KINDS });
  const starts = field({ label: "Starts", name: "shift-starts", type: "datetime-local" });
  const ends = field({ label: "Ends", name: "shift-ends", type: "datetime-local", hint: "It can end the next morning." });
  const add = h("button", { type: "submit", class: "button" }, "Add shift");
  const list = h("div", { class: "last-flush" });
  starts.input.addEventListener("change", () => {
    if (starts.input.value && !ends.input.value) {
      ends.input.value = laterBy(starts.input.value, usualLength(kind.input.value));
    }
  });

  function draw() {
    const { plan } = context.read();
    const zone = planZone(plan);
    const today = todayIn(zone);
    const coming = comingShifts(plan.shifts, zone);
    list.replaceChildren(coming.length
      ? h("ul", { class: "plain-list one-off-shifts" }, coming.map((shift) => {
        const words = shiftWords(shift, today);
        const remove = h("button", { type: "button", class: "button secondary small-button" }, "Remove");
        remove.setAttribute("aria-label", `Remove: ${words}`);
        remove.addEventListener("click", () => busy(remove, "Removing…", async () => {
          try {
            await context.update(async () => {
              await removeShift(shift.id);
              return loadReminders();
            });
          } catch (error) {
            status.error(problemText(error));
            return;
          }
          draw();
          status.info("Removed.");
          document.getElementById("one-off-title").focus();
        }));
        return h("li", {}, h("span", {}, words), remove);
      }))
      : h("p", { class: "small" }, "None coming up."));
  }

  const form = h("form", { novalidate: true },
    kind.element, h("div", { class: "moment-pair" }, starts.element, ends.element),
    status.element, h("div", { class: "button-row" }, add));
  form.addEventListener("input", () => status.clear());
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    status.clear();
    starts.setError(starts.input.value ? "" : "Choose when it starts.");
    ends.setError(ends.input.value ? "" : "Choose when it ends.");
    const missing = [starts, ends].find((target) => !target.input.value);
    if (missing) {
      status.error(`Not added yet. ${missing === starts ? "Choose when it starts." : "Choose when it ends."}`);
      missing.input.focus();
      return;
    }
    busy(add, "Adding…", async () => {
      try {
        await settleZone(context.read());
        await context.update(() => addShift({
          kind: kind.input.value, starts_at: starts.input.value, ends_at: ends.input.value,
        }));
      } catch (error) {
        showProblem(error, { starts_at: starts, ends_at: ends }, status, "Not added yet.");
        return;
      }
      starts.input.value = ends.input.value = "";
      draw();
      status.info("Added.");
    });
  });
  draw();
  return card("one-off", "One-off shifts",
    h("p", {}, "Extra shifts, swaps and cover."),
    form,
    h("h3", {}, "Coming up"),
    list);
}

export async function shiftsView() {
  let read;
  try {
    read = await loadReminders();
  } catch (error) {
    return notOpened("Your shifts", error instanceof OfflineError);
  }
  const context = {
    read: () => read,
    async update(change) {
      read = await change();
    },
  };
  return {
    title: "Your shifts",
    content: page("Your shifts",
      h("p", { class: "lead" }, "Add your shifts, and reminders keep out of your way at work."),
      h("p", {}, h("a", { href: "/reminders" }, "Back to Reminders")),
      patternSection(context),
      oneOffSection(context),
      h("p", {}, h("a", { href: "/reminders" }, "Back to Reminders"))),
  };
}
