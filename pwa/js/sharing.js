/* What she may share, worked out on her device from her sealed check-ins, and the calls
   that share it. Nothing leaves the device until she has seen the preview and said yes;
   "keep it up to date" re-shares only what she already agreed to, while she still does. */
import { del, get, post, put } from "./api.js";
import { listCheckins } from "./checkins.js";
import { syncNow } from "./sync.js";
import {
  addDays, averageOf, dayKey, daysSinceDayOff, recoveryBalance, shiftRun, summariseDays, within,
} from "./trends.js";

export const KINDS = Object.freeze({
  summary: "Weekly wellbeing summary",
  recovery: "Recovery balance",
  agenda: "Supervision agenda",
  entry: "Journal entry",
});

const MEASURES = ["stress", "energy", "sleep"];
// How far apart two weeks' averages must be to say "higher" or "lower".
const CHANGE = 0.5;

function band(value) {
  return Math.min(5, Math.max(1, Math.round(value)));
}

function direction(now, before) {
  if (before === null) return undefined;
  if (now - before >= CHANGE) return "higher";
  if (before - now >= CHANGE) return "lower";
  return "steady";
}

/**
 * The week ending `today` as bands (1 to 5) and direction against the week before; her
 * daily answers only if she asks for them. Fields with nothing behind them are left out.
 */
export function weeklySummary(checkins, today = dayKey(), { withDays = false } = {}) {
  const days = summariseDays(checkins);
  const week = within(days, today, 7);
  const before = within(days, addDays(today, -7), 7);
  const summary = { kind: "summary", week_ending: today, checkin_days: week.length };
  for (const measure of MEASURES) {
    const now = averageOf(week, measure).average;
    if (now === null) continue;
    const then = averageOf(before, measure).average;
    const moved = direction(now, then);
    summary[measure] = moved ? { level: band(now), direction: moved } : { level: band(now) };
  }
  if (withDays) {
    summary.days = week.map((day) => {
      const values = { day: day.day };
      for (const measure of MEASURES) if (day[measure] !== null) values[measure] = band(day[measure]);
      return values;
    });
  }
  return summary;
}

/** Demanding and recovery days over the last `length` days, days since a day off, shifts. */
export function recoveryShare(checkins, today = dayKey(), length = 7) {
  const days = summariseDays(checkins);
  const balance = recoveryBalance(within(days, today, length));
  const content = {
    kind: "recovery", period_ending: today, period_days: length,
    demanding_days: balance.demanding, recovery_days: balance.recovery,
  };
  const sinceDayOff = daysSinceDayOff(days, today);
  if (sinceDayOff !== null) content.days_since_day_off = sinceDayOff;
  const run = shiftRun(days.filter((day) => day.day <= today)).length;
  if (run) content.shift_run = run;
  return content;
}

/**
 * This month and the one before as organisation figures: bands and days. Only those two:
 * the server freezes a month's figures once it has ended and takes nothing older (last
 * month is for check-ins that reach the server late).
 */
export function monthFigures(checkins, today = dayKey()) {
  const days = summariseDays(checkins);
  const months = [];
  let [year, month] = today.split("-").map(Number);
  for (let i = 0; i < 2; i += 1) {
    const key = `${year}-${String(month).padStart(2, "0")}`;
    const inMonth = days.filter((day) => day.day.startsWith(key));
    const figures = { month: key, checkin_days: inMonth.length };
    for (const measure of MEASURES) {
      const { average } = averageOf(inMonth, measure);
      if (average !== null) figures[measure] = band(average);
    }
    months.push(figures);
    month -= 1;
    if (month === 0) [year, month] = [year - 1, 12];
  }
  return months;
}

function canonical(value) {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical(value[key])]));
  }
  return value;
}

/** Content worked out the same way twice is the same: compare with the server's copy. */
function same(a, b) {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** How soon she would like to talk: the server's `how_soon` values, in words. */
export const HOW_SOON = Object.freeze([
  { value: "today", label: "Today, if you can" },
  { value: "this-week", label: "This week" },
  { value: "next-supervision", label: "At our next supervision" },
  { value: "no-rush", label: "No rush" },
]);

export const loadSharing = () => get("/api/sharing");
export const shareWith = (supervisorId, content, { keepUpToDate = false, entryId = null } = {}) => put(
  "/api/sharing/shares",
  { supervisor_id: supervisorId, content, keep_up_to_date: keepUpToDate, ...(entryId ? { entry_id: entryId } : {}) },
);
/** "I'd like to talk" (or a debrief), to one of her supervisors. */
export const askToTalk = (supervisorId, howSoon, note) => post(
  "/api/sharing/talk", { supervisor_id: supervisorId, how_soon: howSoon, note },
);
export const stopSharing = (shareId) => del(`/api/sharing/shares/${encodeURIComponent(shareId)}`);

/** After she deletes a journal entry: stop sharing it with anyone (quietly; offline, the
    Sharing page still lists it, marked as deleted, with "Stop sharing"). */
export async function stopSharingEntry(entryId) {
  const sharing = await loadSharing();
  await Promise.all(sharing.shares.filter((s) => s.entry_id === entryId).map((s) => stopSharing(s.id)));
}

/**
 * Re-share what she asked to keep up to date, and her organisation figures if she opted in,
 * from her check-ins once this device is in step with the server. With no connection it
 * waits for the next time (after a check-in, or when Tend next starts).
 */
export async function keepSharesUpToDate() {
  // Only from a device that has everything: a half-pulled one would share too little.
  const synced = await syncNow();
  if (synced.error || synced.skipped) return 0;
  const sharing = await loadSharing();
  const live = sharing.shares.filter((s) => s.keep_up_to_date && (s.kind === "summary" || s.kind === "recovery"));
  if (!live.length && !sharing.organisation) return 0;
  const checkins = await listCheckins();
  let updated = 0;
  for (const share of live) {
    const fresh = share.kind === "summary"
      ? weeklySummary(checkins, dayKey(), { withDays: Boolean(share.content.days?.length) })
      : recoveryShare(checkins, dayKey(), share.content.period_days);
    if (same(fresh, share.content)) continue;
    try {
      // Only ever an update: if she stopped sharing it meanwhile, this finds nothing.
      await put(`/api/sharing/shares/${encodeURIComponent(share.id)}`, { content: fresh });
      updated += 1;
    } catch (error) {
      if (error?.status !== 404) throw error;
    }
  }
  if (sharing.organisation) {
    await put("/api/sharing/organisation/months", { months: monthFigures(checkins) });
  }
  return updated;
}
