/* "Where reminders come": turn reminders on for this phone (only ever from a tap), see her
   devices, send a test, remove one. A part of the Reminders page, placed by it. */
import { h } from "../dom.js";
import { ApiError, OfflineError, del, get, post } from "../api.js";
import { PushError, currentSubscription, pushSupport, turnOffHere, turnOn } from "../push.js";
import { dayKey } from "../trends.js";
import { busy, formatDateTime, formatDay, notice } from "../ui.js";

const NO_SIGNAL = "Couldn't reach the reminder service just now. Please try again when you have signal.";
let sections = 0;

function problem(error) {
  if (error instanceof PushError) return error.message;
  if (error instanceof OfflineError) return NO_SIGNAL;
  if (error instanceof ApiError) return error.status >= 500 ? NO_SIGNAL : error.message;
  return "Something went wrong. Please try again.";
}

function addedOn(iso) {
  return formatDay(dayKey(new Date(iso)), { year: "numeric" });
}

/** Why this phone can't have reminders yet, and what she can do about it. */
function explanation(support) {
  if (support === "ios-needs-install") {
    return [
      h("p", {}, "On iPhone and iPad, reminders work once Tend is on your Home Screen (iOS 16.4 or later)."),
      h("ol", { class: "steps" },
        h("li", {}, "In Safari, tap the Share button."),
        h("li", {}, "Choose “Add to Home Screen”."),
        h("li", {}, "Open Tend from your Home Screen and come back here.")),
    ];
  }
  if (support === "denied") {
    return [
      h("p", {}, h("strong", {}, "Notifications are blocked for Tend in this browser.")),
      h("p", {}, "To allow them, open this site's settings in your browser (often the icon beside "
        + "the web address, or Settings, then Site settings, then Notifications) and allow "
        + "notifications for Tend. If Tend is on your home screen, press and hold its icon, "
        + "choose App info, then Notifications."),
      h("p", {}, "Then come back and tap the button below."),
    ];
  }
  return [
    h("p", {}, "This browser can't show reminders. Everything else in Tend still works here."),
    h("p", { class: "small" }, "On Android, Chrome, Edge, Firefox and Samsung Internet can show them; "
      + "on iPhone, add Tend to your Home Screen first (iOS 16.4 or later)."),
  ];
}

/**
 * The devices part of the Reminders page.
 * @param {{public_key: string, devices: Array<{id: string, label: string,
 *   created_at: string, last_sent_at: string|null, this_device: boolean}>}} read
 *   the page's GET /api/reminders
 * @param {{onChange?: (read: object) => void}} [options] `onChange` receives the fresh
 *   GET /api/reminders after a device is added or removed, for anything else the page
 *   shows; this section redraws itself (the page need not replace it).
 * @returns {HTMLElement}
 */
export function devicesSection(read, { onChange } = {}) {
  const n = ++sections;
  const headingId = `reminder-devices-heading-${n}`;
  let state = { public_key: read?.public_key ?? "", devices: read?.devices ?? [] };
  // Whether this browser still holds a subscription: the server's "this phone" alone
  // can't tell (she may have reset the browser's permissions since).
  let subscribedHere = null;
  const status = notice();
  const here = h("div", { class: "push-here" });
  const list = h("ul", { class: "plain-list device-list", "aria-labelledby": headingId });
  const heading = h("h2", { id: headingId, tabindex: "-1" }, "Where reminders come");
  const section = h("section", { class: "card reminder-devices", "aria-labelledby": headingId },
    heading,
    h("p", { class: "small" }, "Reminders come only to the phones you turn them on for. "
      + "Nothing you write ever appears in one."),
    here,
    status.element,
    list);

  function thisDevice() {
    return state.devices.find((d) => d.this_device) || null;
  }

  async function reload() {
    const fresh = await get("/api/reminders");
    state = { public_key: fresh.public_key, devices: fresh.devices };
    subscribedHere = Boolean(await currentSubscription().catch(() => null));
    draw();
    onChange?.(fresh);
  }

  function drawHere() {
    const support = pushSupport();
    const on = thisDevice() && subscribedHere !== false;
    if (support === "ok" && on) {
      here.replaceChildren(h("p", {}, "Reminders are on for this phone."));
      return;
    }
    if (support === "ios-needs-install" || support === "unsupported") {
      here.replaceChildren(...explanation(support));
      return;
    }
    const button = h("button", { type: "button", class: "button" }, "Turn on reminders on this phone");
    button.addEventListener("click", () => start(button));
    here.replaceChildren(
      ...(support === "denied" ? explanation(support)
        : [h("p", {}, "Your phone will ask whether Tend may show notifications.")]),
      h("div", { class: "button-row" }, button));
  }

  /** From the tap itself: turnOn asks for permission before anything else is awaited. */
  async function start(button) {
    status.clear();
    try {
      const device = await busy(button, "Turning on…", () => turnOn(state.public_key));
      subscribedHere = true;
      state.devices = [...state.devices.filter((d) => d.id !== device.id), device];
      await reload().catch(() => draw());
      status.info("Done. “Send a test” shows how a reminder will look.");
      list.querySelector("li.this-device button")?.focus();
    } catch (error) {
      if (error instanceof PushError && (error.code === "denied" || error.code === "dismissed")) {
        draw();
        here.querySelector("button")?.focus(); // in place of the one she pressed
        status.info(error.code === "denied"
          ? "That's fine. Tend won't show notifications unless you allow them."
          : error.message);
        return;
      }
      status.error(problem(error));
    }
  }

  function deviceItem(device) {
    const name = device.this_device ? "this phone" : device.label;
    const test = h("button", {
      type: "button",
      class: "button secondary small-button",
      "aria-label": `Send a test to ${name}`,
    }, "Send a test");
    test.addEventListener("click", async () => {
      status.clear();
      try {
        await busy(test, "Sending…", () => post(`/api/reminders/devices/${device.id}/test`));
        status.info(device.this_device
          ? "Test sent. It should arrive in a few seconds."
          : `Test sent to ${device.label}. It should arrive in a few seconds.`);
      } catch (error) {
        status.error(problem(error));
      }
    });
    const remove = h("button", {
      type: "button",
      class: "button secondary small-button",
      "aria-label": `Remove ${name}`,
    }, "Remove");
    remove.addEventListener("click", async () => {
      status.clear();
      try {
        await busy(remove, "Removing…", () => (device.this_device
          ? turnOffHere(device.id) : del(`/api/reminders/devices/${device.id}`)));
        if (device.this_device) subscribedHere = false;
        state.devices = state.devices.filter((d) => d.id !== device.id);
        await reload().catch(() => draw());
        heading.focus();
        status.info(device.this_device
          ? "Reminders are off for this phone."
          : `${device.label} won't get reminders any more.`);
      } catch (error) {
        status.error(problem(error));
      }
    });
    const last = device.last_sent_at ? `Last reminder ${formatDateTime(device.last_sent_at)}` : "No reminders sent yet";
    return h("li", { class: device.this_device ? "this-device" : null },
      h("p", { class: "device-name" },
        h("strong", {}, device.label || "A device"),
        device.this_device ? h("span", { class: "device-here" }, "This phone") : null),
      h("p", { class: "small" }, `Added ${addedOn(device.created_at)}. ${last}.`),
      h("div", { class: "button-row" }, test, remove));
  }

  function draw() {
    drawHere();
    list.replaceChildren(...(state.devices.length
      ? state.devices.map(deviceItem)
      : [h("li", { class: "device-none" }, "No devices yet.")]));
  }

  draw();
  currentSubscription().then((subscription) => {
    subscribedHere = Boolean(subscription);
    drawHere();
  }).catch(() => {});
  return section;
}
