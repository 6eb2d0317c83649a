/* Reminders: the calls to the server, which keeps her plan (it must, to nudge her when Tend
   is closed), and small pure helpers that put its times into words. Nothing here is kept
   on the device. Times she chooses are wall-clock times in her own time zone; the times
   the server says reminders are due are UTC, shown back to her in that zone. */
import { del, get, post, put } from "./api.js";
import { addDays } from "./trends.js";
import { formatDay } from "./ui.js";

export const loadReminders = () => get("/api/reminders");
export const saveSettings = (settings) => put("/api/reminders/settings", settings);
export const savePattern = (pattern) => put("/api/reminders/pattern", pattern);
export const clearPattern = () => del("/api/reminders/pattern");
export const addShift = (shift) => post("/api/reminders/shifts", shift);
export const removeShift = (id) => del(`/api/reminders/shifts/${encodeURIComponent(id)}`);
export const addFollowUps = (hours = [24, 72]) => post("/api/reminders/follow-ups", { after_hours: hours });
export const cancelFollowUp = (id) => del(`/api/reminders/follow-ups/${encodeURIComponent(id)}`);

/** What the server keeps for someone who has not chosen anything yet. */
export const DEFAULT_SETTINGS = Object.freeze({
  time_zone: "Europe/London",
  checkin_times: [],
  after_shift_minutes: null,
  quiet_start: null,
  quiet_end: null,
  never_during_shift: true,
  paused_until: null,
  next_supervision: null,
  supervision_hours_before: 24,
  wording: "discreet",
});

/** This phone's IANA time zone ("Europe/London"). */
export function phoneTimeZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || DEFAULT_SETTINGS.time_zone;
}

/** True while she has never saved anything: her zone can simply follow this phone's. */
export function isUntouched(plan) {
  return !plan.pattern && !plan.shifts.length
    && Object.entries(DEFAULT_SETTINGS).every(([key, value]) =>
      JSON.stringify(plan.settings[key]) === JSON.stringify(value));
}

/** The zone her times are in: the saved one, or this phone's until she saves anything. */
export function planZone(plan) {
  return isUntouched(plan) ? phoneTimeZone() : plan.settings.time_zone;
}

// Shifts

export const SHIFT_KINDS = Object.freeze([
  { value: "early", label: "Early", start: "07:00", end: "15:00" },
  { value: "late", label: "Late", start: "14:00", end: "22:00" },
  { value: "long-day", label: "Long day", start: "08:00", end: "20:00" },
  { value: "night", label: "Night", start: "20:00", end: "08:00" },
  { value: "sleep-in", label: "Sleep-in", start: "22:00", end: "07:00" },
  { value: "other", label: "Other", start: "09:00", end: "17:00" },
]);

export function shiftKind(value) {
  return SHIFT_KINDS.find((kind) => kind.value === value) ?? SHIFT_KINDS.at(-1);
}

/** A day of a rota with a kind's usual times. */
export function usualShift(kind) {
  const { start, end } = shiftKind(kind);
  return { kind, start, end };
}

const repeat = (count, day) => Array.from({ length: count }, () => day && { ...day });

export const PRESETS = Object.freeze([
  {
    id: "four-on-four-off",
    label: "4 on, 4 off (long days)",
    days: () => [...repeat(4, usualShift("long-day")), ...repeat(4, null)],
  },
  {
    id: "early-late-night",
    label: "Earlies, lates, nights",
    days: () => [...repeat(2, usualShift("early")), ...repeat(2, usualShift("late")),
      ...repeat(2, { kind: "night", start: "22:00", end: "07:00" }), ...repeat(2, null)],
  },
  { id: "custom", label: "Custom", days: () => repeat(7, null) },
]);

/** The preset whose days these are, or "custom". */
export function presetOf(days) {
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  return PRESETS.find((preset) => preset.id !== "custom" && same(preset.days(), days))?.id ?? "custom";
}

/** The pattern's days as the server wants them: a day off is null. */
export function patternBody(startsOn, days) {
  return { starts_on: startsOn, days: days.map((day) => (day ? { kind: day.kind, start: day.start, end: day.end } : null)) };
}

// Days and times

/** A moment as her wall clock in `zone` shows it: {day: "2026-12-01", time: "19:30"}. */
export function wallClock(moment, zone) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-GB", {
    timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).formatToParts(new Date(moment)).map((part) => [part.type, part.value]));
  return { day: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/** Today in `zone`, as "2026-12-01". */
export function todayIn(zone, now = new Date()) {
  return wallClock(now, zone).day;
}

/** "Today", "Tomorrow", or "Friday 5 December" (the year too when it isn't this one). */
export function dayWords(key, today) {
  if (key === today) return "Today";
  if (key === addDays(today, 1)) return "Tomorrow";
  const year = key.slice(0, 4) === today.slice(0, 4) ? {} : { year: "numeric" };
  return formatDay(key, { weekday: "long", ...year });
}

const UPCOMING_WORDS = {
  checkin: "check-in",
  "after-shift": "check-in after your shift",
  "follow-up": "gentle follow-up",
  supervision: "supervision coming up",
  "talk-request": "someone would like to talk",
  test: "test reminder",
};

/** When a reminder comes and what for, in her zone: {when: "Tomorrow, 19:30", what: "check-in"}. */
export function upcomingParts(item, zone, now = new Date()) {
  const { day, time } = wallClock(item.due_at, zone);
  return { when: `${dayWords(day, todayIn(zone, now))}, ${time}`, what: UPCOMING_WORDS[item.kind] ?? "reminder" };
}

/** "Tomorrow, 19:30 — check-in", in her zone. */
export function upcomingWords(item, zone, now = new Date()) {
  const { when, what } = upcomingParts(item, zone, now);
  return `${when} — ${what}`;
}

/** The reminders that will come: none within her pause (the server skips them then). */
export function stillComing(upcoming, settings, now = new Date()) {
  const until = pausedUntil(settings, now);
  if (!until) return upcoming;
  return upcoming.filter((item) => wallClock(item.due_at, settings.time_zone).day > until);
}

/** The day her pause lasts until, if it hasn't ended. */
export function pausedUntil(settings, now = new Date()) {
  const until = settings.paused_until;
  return until && until >= todayIn(settings.time_zone, now) ? until : null;
}

/** "Late, Friday 5 December, 14:00 to 22:00" ("Night, tomorrow, 20:00 to 08:00 the next
    morning"). */
export function shiftWords(shift, today) {
  const inSentence = (key) => dayWords(key, today).replace(/^(Today|Tomorrow)$/, (word) => word.toLowerCase());
  const [startDay, startTime] = shift.starts_at.split("T");
  const [endDay, endTime] = shift.ends_at.split("T");
  const ends = endDay === startDay ? endTime
    : endDay === addDays(startDay, 1) ? `${endTime} the next morning`
      : `${inSentence(endDay)}, ${endTime}`;
  return `${shiftKind(shift.kind).label}, ${inSentence(startDay)}, ${startTime} to ${ends}`;
}

/** One-off shifts that haven't ended yet (in her zone), soonest first. */
export function comingShifts(shifts, zone, now = new Date()) {
  const { day, time } = wallClock(now, zone);
  const here = `${day}T${time}`;
  return shifts.filter((shift) => shift.ends_at > here)
    .sort((a, b) => a.starts_at.localeCompare(b.starts_at));
}

/** A wall-clock "YYYY-MM-DDTHH:MM" moved on by `minutes`. */
export function laterBy(moment, minutes) {
  const date = new Date(`${moment}:00Z`);
  date.setUTCMinutes(date.getUTCMinutes() + minutes);
  return date.toISOString().slice(0, 16);
}

/** How long a kind's usual shift lasts, in minutes (a night runs into the next morning). */
export function usualLength(kind) {
  const { start, end } = shiftKind(kind);
  const minutes = (clock) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3));
  const length = minutes(end) - minutes(start);
  return length > 0 ? length : length + 24 * 60;
}

/** The field an API error detail names, without its "body." and "settings." or "pattern."
    ("body.settings.checkin_times[1]" is "checkin_times[1]"). */
export function fieldKey(field) {
  return field.replace(/^body\.?/, "").replace(/^(settings|pattern)\./, "");
}
