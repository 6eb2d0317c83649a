/* Reminders: which phone they come to, when they may come and when never, how they read on
   the lock screen, and what is coming up. Each section saves on its own. The plan lives on
   the server (it has to, to nudge her when Tend is closed), so the page needs a connection. */
import { h } from "../dom.js";
import { OfflineError } from "../api.js";
import { choiceGroup } from "../chips.js";
import {
  PRESETS, addFollowUps, cancelFollowUp, comingShifts, fieldKey, loadReminders, pausedUntil, phoneTimeZone,
  planZone, presetOf, saveSettings, stillComing, todayIn, upcomingParts,
} from "../reminders.js";
import { busy, checkbox, field, formatDay, notice, page } from "../ui.js";

const MAX_TIMES = 4;
const AFTER_SHIFT = [
  { value: "off", label: "Off" },
  { value: "15", label: "15 minutes" },
  { value: "30", label: "30 minutes" },
  { value: "60", label: "1 hour" },
];
const SUPERVISION_BEFORE = [
  { value: "2", label: "2 hours before" },
  { value: "24", label: "The day before" },
  { value: "48", label: "2 days before" },
];
const WORDING = {
  discreet: { label: "Discreet", text: "A moment for you." },
  named: { label: "Named", text: "How are you doing? A 30-second check-in is here when you want it." },
};

export function problemText(error) {
  return error?.message || "Something went wrong. Please try again.";
}

/** The page when it can't open: offline, or the server couldn't answer. */
export function notOpened(title, offline) {
  const [lead, more] = offline
    ? ["Reminders are kept on the server, so that they can reach you when Tend is closed. "
      + "This page opens when you're back online.",
    "Check-ins and your journal still work on this device without a connection."]
    : ["Your reminders couldn't open just now. Please try again in a moment.",
      "Nothing about your reminders has changed."];
  return {
    title,
    content: page(title, h("p", { class: "lead" }, lead), h("p", {}, more),
      h("p", {}, h("a", { href: "/" }, "Back to your home"))),
  };
}

/** A section of the page, labelled by its heading. */
export function card(id, title, ...children) {
  return h("section", { class: "card reminder-section", id, "aria-labelledby": `${id}-title` },
    h("h2", { id: `${id}-title`, tabindex: "-1" }, title), ...children);
}

/**
 * Show an API error: each detail beside its field (focusing the first), anything else in
 * `status`. `fields` maps a detail's field ("quiet_end", "checkin_times[1]") to a field.
 */
export function showProblem(error, fields, status, notDone = "Not saved yet.") {
  const shown = (error?.details ?? []).filter((detail) => fields[fieldKey(detail.field)]);
  for (const detail of shown) fields[fieldKey(detail.field)].setError(detail.message);
  if (!shown.length) {
    status.error(problemText(error));
    return;
  }
  status.error(`${notDone} ${shown[0].message}`);
  fields[fieldKey(shown[0].field)].input.focus();
}

/** A form that saves some of her settings: `collect()` gives `{changes, fields}`. */
function settingsForm(context, { label, children, collect }) {
  const status = notice();
  const save = h("button", { type: "submit", class: "button" }, label);
  const form = h("form", { novalidate: true }, children, status.element, h("div", { class: "button-row" }, save));
  // What it said was about what she had then: a change makes it old news.
  form.addEventListener("input", () => status.clear());
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    status.clear();
    const { changes, fields } = collect();
    for (const target of Object.values(fields)) target.setError("");
    busy(save, "Saving…", async () => {
      try {
        await context.save(changes);
        status.info("Saved.");
      } catch (error) {
        showProblem(error, fields, status);
      }
    });
  });
  return { form, status };
}

function checkinSection(context) {
  const { settings } = context.read().plan;
  const list = h("div", { class: "checkin-times" });
  const add = h("button", { type: "button", class: "button secondary small-button" }, "Add a time");
  let rows = [];

  function draw(values, focus) {
    rows = values.map((value, index) => {
      const time = field({ label: `Time ${index + 1}`, name: "checkin-time", type: "time", required: false, value });
      const remove = h("button", { type: "button", class: "button secondary small-button" }, "Remove");
      remove.setAttribute("aria-label", `Remove time ${index + 1}`);
      remove.addEventListener("click", () => {
        const left = rows.map((row) => row.input.value).filter((_, i) => i !== index);
        draw(left, left.length ? () => rows[Math.min(index, left.length - 1)].remove : () => add);
      });
      return { ...time, remove, row: h("div", { class: "time-row" }, time.element, remove) };
    });
    list.replaceChildren(...(rows.length
      ? rows.map((row) => row.row)
      : [h("p", { class: "small" }, "No set times yet.")]));
    add.disabled = rows.length >= MAX_TIMES;
    focus?.().focus();
  }
  add.addEventListener("click", () => {
    draw([...rows.map((row) => row.input.value), ""], () => rows.at(-1).input);
  });
  draw(settings.checkin_times);

  const afterHint = h("p", { class: "field-hint", id: "after-shift-hint" },
    "A reminder once a shift ends. It follows the shifts you add below.");
  const chosen = settings.after_shift_minutes === null ? "off" : String(settings.after_shift_minutes);
  const options = AFTER_SHIFT.some((o) => o.value === chosen)
    ? AFTER_SHIFT : [...AFTER_SHIFT, { value: chosen, label: `${chosen} minutes` }];
  const after = choiceGroup({ legend: "After a shift", name: "after-shift", options, chosen, describedBy: afterHint.id });
  after.element.prepend(after.element.querySelector("legend"), afterHint);

  const { form } = settingsForm(context, {
    label: "Save check-in reminders",
    children: [
      h("fieldset", { class: "plain-fieldset" },
        h("legend", {}, "Every day at"),
        h("p", { class: "field-hint" }, `Up to ${MAX_TIMES} times a day.`),
        list,
        h("div", { class: "button-row" }, add)),
      after.element,
    ],
    collect() {
      const sent = rows.filter((row) => row.input.value);
      const minutes = after.value();
      return {
        changes: {
          checkin_times: sent.map((row) => row.input.value),
          after_shift_minutes: minutes === "off" || minutes === null ? null : Number(minutes),
        },
        fields: Object.fromEntries(sent.map((row, index) => [`checkin_times[${index}]`, row])),
      };
    },
  });
  return card("checkin-reminders", "Check-in reminders",
    h("p", {}, "A gentle nudge to check in. Nothing happens if you let it pass."), form);
}

function shiftsSummary(context) {
  const { plan } = context.read();
  const zone = planZone(plan);
  const lines = [];
  if (plan.pattern) {
    const preset = PRESETS.find((p) => p.id === presetOf(plan.pattern.days));
    const name = preset.id === "custom" ? `A ${plan.pattern.days.length}-day rota` : preset.label;
    lines.push(`${name}, from ${formatDay(plan.pattern.starts_on, { weekday: "long" })}.`);
  }
  const coming = comingShifts(plan.shifts, zone).length;
  if (coming) lines.push(`${coming} one-off ${coming === 1 ? "shift" : "shifts"} coming up.`);
  const known = lines.length > 0;
  return card("your-shifts", "Your shifts",
    h("p", {}, "With your shifts, Tend can keep reminders out of your working hours, "
      + "and nudge you once a shift ends if you'd like."),
    known ? h("ul", { class: "plain-list summary-lines" }, lines.map((line) => h("li", {}, line)))
      : h("p", { class: "small" }, "No shifts added yet."),
    h("p", {}, h("a", { class: "button secondary", href: "/reminders/shifts" },
      known ? "Change your shifts" : "Add your shifts")));
}

function quietSection(context) {
  const { settings } = context.read().plan;
  const from = field({ label: "From", name: "quiet-start", type: "time", required: false, value: settings.quiet_start ?? "" });
  const to = field({ label: "To", name: "quiet-end", type: "time", required: false, value: settings.quiet_end ?? "" });
  const duringShift = checkbox({ label: "Never during a shift", name: "never-during-shift", checked: settings.never_during_shift });
  duringShift.input.setAttribute("aria-describedby", "never-during-shift-hint");
  const pause = field({
    label: "Pause all reminders until… (optional)", name: "paused-until", type: "date", required: false,
    hint: "Nothing at all comes until the end of that day: for a holiday, or whenever you need a break.",
    value: pausedUntil(settings) ?? "",
  });
  pause.input.min = todayIn(planZone(context.read().plan));
  const pauseState = h("div", { class: "pause-state" });
  const startAgain = h("button", { type: "button", class: "button secondary small-button" }, "Start again now");

  const { form, status } = settingsForm(context, {
    label: "Save quiet times",
    children: [
      h("fieldset", { class: "plain-fieldset" },
        h("legend", {}, "Quiet hours"),
        h("p", { class: "field-hint" }, "No reminders between these times. They can run past midnight, such as 22:00 to 07:00."),
        h("div", { class: "time-pair" }, from.element, to.element)),
      duringShift.element,
      h("p", { class: "field-hint check-hint", id: "never-during-shift-hint" },
        "A reminder that would come while you're at work doesn't come at all."),
      pause.element,
      pauseState,
    ],
    collect: () => ({
      changes: {
        quiet_start: from.input.value || null,
        quiet_end: to.input.value || null,
        never_during_shift: duringShift.input.checked,
        paused_until: pause.input.value || null,
      },
      fields: { quiet_start: from, quiet_end: to, paused_until: pause },
    }),
  });
  startAgain.addEventListener("click", () => busy(startAgain, "Starting…", async () => {
    try {
      await context.save({ paused_until: null });
    } catch (error) {
      status.error(problemText(error));
      return;
    }
    pause.input.value = "";
    pause.input.focus();
    status.info("Reminders are on again.");
  }));

  function draw() {
    const until = pausedUntil(context.read().plan.settings);
    pauseState.replaceChildren(...(until ? [
      h("p", { class: "paused" }, `Paused until the end of ${formatDay(until, { weekday: "long" })}.`),
      h("div", { class: "button-row" }, startAgain),
    ] : []));
  }
  draw();
  return { element: card("quiet-times", "Quiet times", form), draw };
}

function supervisionSection(context) {
  const { settings } = context.read().plan;
  const when = field({
    label: "Your next supervision", name: "next-supervision", type: "datetime-local", required: false,
    hint: "Leave it empty for no reminder.", value: settings.next_supervision ?? "",
  });
  const chosen = String(settings.supervision_hours_before);
  const options = SUPERVISION_BEFORE.some((o) => o.value === chosen)
    ? SUPERVISION_BEFORE : [...SUPERVISION_BEFORE, { value: chosen, label: `${chosen} hours before` }];
  const before = choiceGroup({ legend: "Remind me", name: "supervision-before", options, chosen });
  const { form } = settingsForm(context, {
    label: "Save supervision",
    children: [when.element, before.element],
    collect: () => ({
      changes: {
        next_supervision: when.input.value || null,
        supervision_hours_before: Number(before.value() ?? 24),
      },
      fields: { next_supervision: when },
    }),
  });
  return card("supervision-reminder", "Supervision",
    h("p", {}, "A reminder before your next supervision, to think about what you'd like to bring."), form);
}

function wordingSection(context) {
  const { settings } = context.read().plan;
  const wording = choiceGroup({
    legend: "On the lock screen", name: "wording", chosen: settings.wording,
    options: Object.entries(WORDING).map(([value, { label }]) => ({ value, label })),
  });
  const words = h("p", { class: "lock-preview-text" });
  const preview = h("figure", { class: "lock-preview" },
    h("figcaption", { class: "field-hint" }, "How it will look:"),
    h("div", { class: "lock-preview-card" }, h("p", { class: "lock-preview-app" }, "Tend"), words));
  function draw() {
    words.textContent = WORDING[wording.value() ?? "discreet"].text;
  }
  wording.element.addEventListener("change", draw);
  draw();
  const { form } = settingsForm(context, {
    label: "Save how they read",
    children: [wording.element, preview,
      h("p", { class: "small" }, "Either way, nothing about how you are or what you've written is ever in a reminder.")],
    collect: () => ({ changes: { wording: wording.value() ?? "discreet" }, fields: {} }),
  });
  return card("how-they-read", "How they read",
    h("p", {}, "What a reminder says where anyone might see your phone."), form);
}

function comingUpSection(context) {
  const area = h("div", { class: "last-flush" });
  const status = notice();
  function draw() {
    const { plan, upcoming, devices } = context.read();
    const zone = planZone(plan);
    const items = stillComing(upcoming, { ...plan.settings, time_zone: zone });
    const until = pausedUntil({ ...plan.settings, time_zone: zone });
    const nothing = until
      ? `Paused until the end of ${formatDay(until, { weekday: "long" })}. Nothing will come before then.`
      : "Nothing in the next day or two.";
    area.replaceChildren(
      items.length ? h("ul", { class: "plain-list upcoming" }, items.map((item) => upcomingItem(item, zone)))
        : h("p", {}, nothing),
      ...(devices.length ? [] : [h("p", { class: "small" }, "Reminders only reach a phone where they're turned on.")]));
  }
  function upcomingItem(item, zone) {
    const { when, what } = upcomingParts(item, zone);
    const words = `${when} — ${what}`;
    // "— gentle follow-up" moves to the next line whole, never broken at its hyphen.
    const text = h("span", {}, `${when} `, h("span", { class: "nowrap" }, `— ${what}`));
    if (item.kind !== "follow-up") return h("li", {}, text);
    const cancel = h("button", { type: "button", class: "button secondary small-button" }, "Cancel");
    cancel.setAttribute("aria-label", `Cancel the follow-up: ${words}`);
    cancel.addEventListener("click", () => busy(cancel, "Cancelling…", async () => {
      try {
        await cancelFollowUp(item.id);
        await context.reload();
      } catch (error) {
        status.error(problemText(error));
        return;
      }
      status.info("Cancelled. That follow-up won't come.");
      document.getElementById("coming-up-title").focus();
    }));
    return h("li", { class: "upcoming-follow-up" }, text, cancel);
  }
  // Anyone can ask for a follow-up any day, not only after a hard one: so that one waiting
  // says nothing about why.
  const ask = h("button", { type: "button", class: "button secondary" }, "Check in with me tomorrow");
  ask.addEventListener("click", () => busy(ask, "Setting it up…", async () => {
    try {
      await addFollowUps([24]);
      await context.reload();
    } catch (error) {
      status.error(problemText(error));
      return;
    }
    status.info("Done. Tend will check in gently tomorrow.");
  }));
  draw();
  return { element: card("coming-up", "Coming up", status.element, area, h("p", {}, ask)), draw };
}

/** A time zone as people say it: "UK time", "New York time", not "America/New_York". */
function zoneName(zone) {
  if (zone === "Europe/London") return "UK";
  if (["UTC", "Etc/UTC", "Etc/UCT", "Etc/GMT", "GMT", "Etc/Universal", "Etc/Zulu"].includes(zone)) return "UTC";
  // Etc/GMT+5 is five hours behind UTC: POSIX signs are the wrong way round.
  const offset = /^Etc\/GMT([+-])(\d{1,2})$/.exec(zone);
  if (offset) return `UTC${offset[1] === "+" ? "−" : "+"}${offset[2]}`;
  return zone.split("/").pop().replaceAll("_", " ");
}

function zoneLine(context) {
  const element = h("div", { class: "zone-line" });
  const status = notice();
  function draw() {
    const phone = phoneTimeZone();
    // Two names for the same zone (Etc/UTC and UTC) count as the same.
    const saved = planZone(context.read().plan);
    const zone = zoneName(saved) === zoneName(phone) ? phone : saved;
    const offer = h("button", { type: "button", class: "button secondary small-button" },
      `Use this phone's time (${zoneName(phone)} time)`);
    offer.addEventListener("click", () => busy(offer, "Changing…", async () => {
      try {
        await context.save({ time_zone: phone });
      } catch (error) {
        status.error(problemText(error));
        return;
      }
      status.info(`Saved. Times are now in ${zoneName(phone)} time.`);
      element.querySelector("p").focus();
    }));
    element.replaceChildren(
      h("p", { class: "small", tabindex: "-1" }, `Times here are in ${zoneName(zone)} time.`
        + (zone === phone ? "" : ` This phone is set to ${zoneName(phone)} time.`)),
      ...(zone === phone ? [] : [h("div", { class: "button-row" }, offer)]),
      status.element);
  }
  draw();
  return { element, draw };
}

/** "On this phone", from the push helper's module; a quiet note if it can't load. */
async function phoneSection(context, onChange) {
  try {
    const { devicesSection } = await import("./reminder-devices.js");
    const element = await devicesSection(context.read(), { onChange });
    if (element.matches?.("section") && element.querySelector("h2")) return element;
    return card("on-this-phone", "On this phone", element);
  } catch (error) {
    console.warn("Tend could not load reminder devices:", error);
    return card("on-this-phone", "On this phone",
      h("p", {}, "Turning reminders on for this phone isn't available just now. "
        + "What you choose below is kept, and will apply once it is."));
  }
}

export async function remindersView() {
  let read;
  try {
    read = await loadReminders();
  } catch (error) {
    return notOpened("Reminders", error instanceof OfflineError);
  }
  const redraws = [];
  const context = {
    read: () => read,
    /** Save some settings, keeping the rest as saved (her zone follows this phone until
        she has saved anything). */
    async save(changes) {
      read = await saveSettings({ ...read.plan.settings, time_zone: planZone(read.plan), ...changes });
      redraws.forEach((draw) => draw());
    },
    async reload() {
      read = await loadReminders();
      redraws.forEach((draw) => draw());
    },
  };
  const coming = comingUpSection(context);
  const quiet = quietSection(context);
  const zone = zoneLine(context);
  redraws.push(coming.draw, quiet.draw, zone.draw);
  const phone = await phoneSection(context, async (fresh) => {
    if (fresh?.plan) {
      read = fresh;
      redraws.forEach((draw) => draw());
    } else {
      await context.reload().catch(() => {});
    }
  });
  return {
    title: "Reminders",
    content: page("Reminders",
      h("p", { class: "lead" }, "Tend can nudge you now and then. You choose when — and when never."),
      zone.element,
      phone,
      coming.element,
      checkinSection(context),
      shiftsSummary(context),
      quiet.element,
      supervisionSection(context),
      wordingSection(context)),
  };
}
