/* "Check in with me tomorrow and in 3 days": offered after a difficult check-in and on the
   "after something difficult" page. The server learns only when, never why. */
import { OfflineError } from "../api.js";
import { h } from "../dom.js";
import { busy, notice } from "../ui.js";

/** "Check in with me tomorrow and in 3 days": two gentle follow-ups from the server, which
    learns only when, never why. */
export function followUpOffer() {
  const status = notice();
  const ask = h("button", { type: "button", class: "link-button" }, "Check in with me tomorrow and in 3 days");
  const offer = h("div", { class: "follow-up-offer" }, h("p", {}, ask), status.element);
  ask.addEventListener("click", () => busy(ask, "Setting it up…", async () => {
    let made;
    let devices = null;
    try {
      const reminders = await import("../reminders.js");
      made = await reminders.addFollowUps([24, 72]);
      devices = (await reminders.loadReminders().catch(() => null))?.devices ?? null;
    } catch (error) {
      status.error(error instanceof OfflineError || !navigator.onLine
        ? "You're offline just now. You can set this up when you're back online."
        : error.message || "That couldn't be set up just now. Please try again.");
      return;
    }
    // Any that would fall in a pause she has set are left out.
    const done = [
      "Your reminders are paused just now, so Tend won't check in.",
      "Done. Tend will check in gently in 3 days, once your pause is over.",
      "Done. Tend will check in gently tomorrow and in 3 days.",
    ][Math.min(made.length, 2)];
    const noPhone = devices !== null && !devices.length;
    const said = h("p", { tabindex: "-1" }, done, " ", noPhone
      ? ["To get them, turn reminders on in ", h("a", { href: "/reminders" }, "Reminders"), "."]
      : h("a", { href: "/reminders" }, "See your reminders"));
    offer.replaceChildren(said);
    said.focus();
  }).then(() => {
    if (ask.isConnected) ask.focus(); // still there after a problem: focus back on it
  }));
  return offer;
}
