/* Sharing: per supervisor, what she shares, each with a preview before anything leaves the
   device; stopping at once; "I'd like to talk"; who has looked; organisation figures. */
import { h } from "../dom.js";
import { OfflineError, del, get, put } from "../api.js";
import { agendaShare, loadAgenda } from "../agenda.js";
import { listCheckins } from "../checkins.js";
import { listEntries } from "../journal.js";
import {
  HOW_SOON, KINDS, askToTalk, loadSharing, monthFigures, recoveryShare, shareWith, stopSharing, weeklySummary,
} from "../sharing.js";
import { syncNow } from "../sync.js";
import { dayKey } from "../trends.js";
import { busy, checkbox, field, formatDateTime, notice, page } from "../ui.js";
import { choiceGroup } from "../chips.js";
import { sharedCard } from "./shared-content.js";

const ENTRY_LIMIT = 20_000;

function problemText(error) {
  return error?.message || "Something went wrong. Please try again.";
}

function entryLabel(entry) {
  const day = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short" }).format(new Date(entry.createdAt));
  const words = entry.title?.trim() || entry.body.trim().split(/\s+/).slice(0, 8).join(" ");
  return `${day}: ${words}`;
}

function entryShare(entry) {
  return {
    kind: "entry",
    written_on: dayKey(new Date(entry.createdAt)),
    title: entry.title.trim(),
    body: entry.body,
    tags: entry.tags ?? [],
  };
}

/** The page when it can't open: offline, or the server couldn't answer. */
function notOpened(offline) {
  const [lead, more] = offline
    ? ["Sharing needs a connection, so that nothing is sent without you seeing it arrive.",
      "Everything you write and every check-in is still kept on this device, and syncs when you're back online."]
    : ["Your sharing settings couldn't open just now. Please try again in a moment.",
      "Nothing you share has changed."];
  return {
    title: "Sharing",
    content: page("Sharing", h("p", { class: "lead" }, lead), h("p", {}, more),
      h("p", {}, h("a", { href: "/" }, "Back to your home"))),
  };
}

export async function sharingView() {
  let sharing;
  let requests;
  try {
    [sharing, requests] = await Promise.all([loadSharing(), get("/api/sharing/talk")]);
  } catch (error) {
    return notOpened(error instanceof OfflineError);
  }
  // Previews are worked out from everything she has: catch up with her other devices first.
  await syncNow().catch(() => {});
  const [checkins, entries, agenda, views] = await Promise.all([
    listCheckins().catch(() => []),
    listEntries().catch(() => []),
    loadAgenda().catch(() => ({ items: [], reflection: "" })),
    get("/api/sharing/views").catch(() => null),
  ]);
  const status = notice();
  const supervisorsArea = h("div", {});
  const requestsArea = h("div", {});
  const viewsArea = h("div", {});
  const names = new Map(sharing.supervisors.map((s) => [s.id, s.display_name]));
  const entryNames = new Map(entries.filter((e) => !e.unreadable).map((e) => [e.id, entryLabel(e)]));

  async function reload(message, focusId) {
    try {
      [sharing, requests] = await Promise.all([loadSharing(), get("/api/sharing/talk")]);
    } catch (error) {
      status.error(problemText(error));
      return;
    }
    drawSupervisors();
    drawRequests();
    if (message) status.info(message);
    if (focusId) document.getElementById(focusId)?.focus();
  }

  function contentFor(kind, options) {
    if (kind === "summary") return weeklySummary(checkins, dayKey(), { withDays: options.withDays });
    if (kind === "recovery") return recoveryShare(checkins, dayKey(), 7);
    if (kind === "agenda") return agendaShare(agenda);
    return entryShare(options.entry);
  }

  /** The preview, in place of the row's buttons: exactly what they'd see, then yes or no. */
  function preview(row, supervisor, kind, { existing = null, entry = null, opener = null } = {}) {
    const headingId = `preview-${supervisor.id}-${kind}`;
    const options = { withDays: Boolean(existing?.content.days?.length), entry };
    const cardArea = h("div", {});
    const keep = checkbox({
      label: "Keep it up to date: share it again after each check-in, while I'm sharing it",
      name: `keep-${kind}`, checked: existing ? existing.keep_up_to_date : false,
    });
    const withDays = checkbox({ label: "Also show my answers day by day", name: "with-days", checked: options.withDays });
    const problem = notice();
    function draw() {
      cardArea.replaceChildren(sharedCard(contentFor(kind, options), { level: "h5" }));
    }
    withDays.input.addEventListener("change", () => {
      options.withDays = withDays.input.checked;
      draw();
    });
    draw();
    const yes = h("button", { type: "button", class: "button" }, `Share with ${supervisor.display_name}`);
    const no = h("button", { type: "button", class: "button secondary" }, "Cancel");
    const panel = h("section", { class: "preview", "aria-labelledby": headingId },
      h("h4", { id: headingId, tabindex: "-1" }, `Preview: what ${supervisor.display_name} will see`),
      cardArea,
      kind === "summary" ? withDays.element : null,
      kind === "summary" || kind === "recovery" ? keep.element : null,
      problem.element,
      h("div", { class: "button-row" }, yes, no));
    yes.addEventListener("click", () => busy(yes, "Sharing…", async () => {
      const content = contentFor(kind, options);
      if (kind === "entry" && content.body.length > ENTRY_LIMIT) {
        problem.error("This entry is too long to share (over 20,000 characters). You could share a shorter one, or talk it through instead.");
        return;
      }
      try {
        await shareWith(supervisor.id, content, {
          keepUpToDate: (kind === "summary" || kind === "recovery") && keep.input.checked,
          entryId: entry?.id ?? null,
        });
      } catch (error) {
        problem.error(problemText(error));
        return;
      }
      await reload(`Shared with ${supervisor.display_name}.`, `shares-${supervisor.id}`);
    }));
    no.addEventListener("click", () => {
      panel.remove();
      opener?.focus();
    });
    row.querySelector(".preview")?.remove();
    row.append(panel);
    panel.querySelector("h4").focus();
  }

  function stopButton(share, supervisor, label, done) {
    const button = h("button", { type: "button", class: "button secondary small-button" }, "Stop sharing");
    button.setAttribute("aria-label", `Stop sharing ${label} with ${supervisor.display_name}`);
    button.addEventListener("click", () => busy(button, "Stopping…", async () => {
      try {
        await stopSharing(share.id);
      } catch (error) {
        status.error(problemText(error));
        return;
      }
      await reload(done, `shares-${supervisor.id}`);
    }));
    return button;
  }

  function kindRow(supervisor, kind) {
    const share = sharing.shares.find((s) => s.supervisor_id === supervisor.id && s.kind === kind);
    const row = h("li", { class: "share-row" });
    const state = share
      ? `Shared, last updated ${formatDateTime(share.updated_at)}${share.keep_up_to_date ? ", kept up to date" : ""}.`
      : "Not shared.";
    const look = h("button", { type: "button", class: "button secondary small-button" }, share ? "Preview an update" : "Preview");
    look.setAttribute("aria-label", `${share ? "Preview an update to" : "Preview"} your ${KINDS[kind].toLowerCase()} for ${supervisor.display_name}`);
    look.addEventListener("click", () => preview(row, supervisor, kind, { existing: share, opener: look }));
    row.append(
      h("h3", {}, KINDS[kind]),
      h("p", { class: share ? "share-state shared" : "share-state" }, state),
      h("div", { class: "button-row" }, look, share ? stopButton(share, supervisor, KINDS[kind],
        `${supervisor.display_name} can no longer see your ${KINDS[kind].toLowerCase()}.`) : null));
    return row;
  }

  function entriesRow(supervisor) {
    const shared = sharing.shares.filter((s) => s.supervisor_id === supervisor.id && s.kind === "entry");
    const row = h("li", { class: "share-row" }, h("h3", {}, "Journal entries"));
    row.append(shared.length
      ? h("ul", { class: "plain-list shared-entries" }, shared.map((share) => h("li", {},
        h("span", {}, entryNames.has(share.entry_id)
          ? share.content.title || entryNames.get(share.entry_id)
          : `${share.content.title || "An entry"} (deleted from your journal)`),
        " ", stopButton(share, supervisor, "this entry",
          `${supervisor.display_name} can no longer see that entry: the copy on the server is deleted.`))))
      : h("p", { class: "share-state" }, "None shared. You can share one entry at a time."));
    const choosable = entries.filter((e) => !e.unreadable && !e.conflictOf
      && !shared.some((s) => s.entry_id === e.id));
    if (choosable.length) {
      const id = `entry-choice-${supervisor.id}`;
      const select = h("select", { id }, choosable.map((entry) => h("option", { value: entry.id }, entryLabel(entry))));
      const look = h("button", { type: "button", class: "button secondary small-button" }, "Preview this entry");
      look.addEventListener("click", () => {
        const entry = choosable.find((e) => e.id === select.value);
        if (entry) preview(row, supervisor, "entry", { entry, opener: look });
      });
      row.append(h("div", { class: "field" }, h("label", { for: id }, "Choose an entry to share"), select),
        h("div", { class: "button-row" }, look));
    }
    return row;
  }

  /** Anything still shared with someone who no longer supervises her, so she can stop it. */
  function formerShares() {
    const former = sharing.shares.filter((share) => !names.has(share.supervisor_id));
    if (!former.length) return null;
    return h("section", { class: "card supervisor-shares", "aria-labelledby": "shares-former" },
      h("h2", { id: "shares-former", tabindex: "-1" }, "With someone who no longer supervises you"),
      h("ul", { class: "plain-list shared-entries" }, former.map((share) => h("li", {},
        h("span", {}, share.kind === "entry" ? share.content.title || "A journal entry" : KINDS[share.kind]),
        " ", stopButton(share, { id: "former", display_name: "them" }, KINDS[share.kind],
          "Stopped: the server's copy is deleted.")))));
  }

  function drawSupervisors() {
    if (!sharing.supervisors.length) {
      supervisorsArea.replaceChildren(h("p", {},
        "You don't have a supervisor in Tend yet. When your organisation links you with one, "
        + "you'll be able to choose what to share with them here."), ...[formerShares()].filter(Boolean));
      return;
    }
    supervisorsArea.replaceChildren(...[formerShares()].filter(Boolean), ...sharing.supervisors.map((supervisor) => h("section", {
      class: "card supervisor-shares", "aria-labelledby": `shares-${supervisor.id}`,
    },
    h("h2", { id: `shares-${supervisor.id}`, tabindex: "-1" }, `With ${supervisor.display_name}`),
    h("ul", { class: "plain-list share-rows" },
      ["summary", "recovery", "agenda"].map((kind) => kindRow(supervisor, kind)),
      entriesRow(supervisor)))));
  }

  function drawRequests() {
    if (!requests.length) {
      requestsArea.replaceChildren();
      return;
    }
    requestsArea.replaceChildren(h("ul", { class: "plain-list talk-requests" }, requests.map((request) => {
        const withdraw = h("button", { type: "button", class: "link-button" }, "Withdraw");
        withdraw.addEventListener("click", () => busy(withdraw, "Withdrawing…", async () => {
          try {
            await del(`/api/sharing/talk/${encodeURIComponent(request.id)}`);
          } catch (error) {
            status.error(problemText(error));
            return;
          }
          await reload("Your request was withdrawn.", "talk-title");
        }));
        const seen = request.acknowledged_at
          ? `${request.supervisor.display_name} has seen it and will be in touch.`
          : request.seen_at ? `Seen by ${request.supervisor.display_name} on ${formatDateTime(request.seen_at)}.`
            : "Not seen yet.";
        return h("li", { class: "card talk-request" },
          h("p", {}, `To ${request.supervisor.display_name}, ${formatDateTime(request.created_at)}: `
            + `${HOW_SOON.find((o) => o.value === request.how_soon)?.label.toLowerCase()}.`),
          request.note ? h("p", { class: "small" }, `“${request.note}”`) : null,
          h("p", { class: "small" }, seen),
          request.acknowledged_at ? null : withdraw);
      })));
  }

  function talkForm() {
    if (!sharing.supervisors.length) return null;
    const to = sharing.supervisors.length > 1 ? choiceGroup({
      legend: "Who would you like to talk to?", name: "talk-to",
      options: sharing.supervisors.map((s) => ({ value: s.id, label: s.display_name })),
      chosen: sharing.supervisors[0].id,
    }) : null;
    const soon = choiceGroup({ legend: "How soon?", name: "how-soon", options: HOW_SOON, chosen: "no-rush" });
    const note = field({
      label: "A few words, if you like (optional)", name: "talk-note", multiline: true, required: false, maxlength: 500,
      hint: "Your supervisor will see this. You don't need to explain.",
    });
    const send = h("button", { type: "submit", class: "button" }, "Send");
    const form = h("form", { class: "talk-form", novalidate: true },
      to?.element, soon.element, note.element, h("div", { class: "button-row" }, send));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      busy(send, "Sending…", async () => {
        const supervisorId = to ? to.value() : sharing.supervisors[0].id;
        try {
          await askToTalk(supervisorId, soon.value(), note.input.value.trim());
        } catch (error) {
          status.error(problemText(error));
          return;
        }
        note.input.value = "";
        await reload(`Sent. ${names.get(supervisorId)} will see that you'd like to talk.`, "talk-title");
      });
    });
    return form;
  }

  function drawViews() {
    if (views === null) {
      viewsArea.replaceChildren(h("p", {}, "Who has looked couldn't be loaded just now. Please try again later."));
      return;
    }
    viewsArea.replaceChildren(views.length
      ? h("ul", { class: "plain-list view-log" }, views.map((view) => h("li", {},
        `${view.supervisor.display_name} saw your ${view.kind === "entry"
          ? `entry “${entryNames.get(view.entry_id) ?? "that you've since removed"}”`
          : KINDS[view.kind].toLowerCase()} on ${formatDateTime(view.viewed_at)}.`)))
      : h("p", {}, "Nobody has looked at anything you share yet."));
  }

  function monthLine(figures) {
    const [year, month] = figures.month.split("-").map(Number);
    const name = new Intl.DateTimeFormat("en-GB", { month: "long", year: "numeric", timeZone: "UTC" })
      .format(new Date(Date.UTC(year, month - 1, 1)));
    const bands = ["stress", "energy", "sleep"].filter((m) => figures[m])
      .map((m) => `${m} ${figures[m]} out of 5`);
    return h("li", {}, `${name}: checked in on ${figures.checkin_days} ${figures.checkin_days === 1 ? "day" : "days"}`
      + (bands.length ? `; ${bands.join(", ")}.` : "."));
  }

  function organisationSection() {
    const box = checkbox({
      label: "Add my check-ins to my organisation's anonymous figures",
      name: "organisation", checked: sharing.organisation,
    });
    const said = notice();
    box.input.addEventListener("change", async () => {
      const on = box.input.checked;
      box.input.disabled = true;
      try {
        await put("/api/sharing/organisation", { share: on });
      } catch (error) {
        box.input.checked = !on;
        said.error(problemText(error));
        box.input.disabled = false;
        return;
      }
      box.input.disabled = false;
      if (!on) {
        said.info("Done. What you added has been deleted, and nothing more will be sent.");
        return;
      }
      try {
        await put("/api/sharing/organisation/months", { months: monthFigures(checkins) });
        said.info("Thank you. Your check-ins now count, only ever in averages of 5 people or more.");
      } catch {
        said.info("Thank you. Your figures will be sent the next time you check in.");
      }
    });
    return h("section", { "aria-labelledby": "organisation-title" },
      h("h2", { id: "organisation-title" }, "Your organisation's figures"),
      h("p", {}, "Your organisation can see how people are doing overall — only as averages from "
        + "groups of at least 5 people, never yours on its own, and only if you choose to add yours. "
        + "It helps them see whether support is working. Saying no changes nothing else."),
      h("details", {}, h("summary", {}, "What your device would send"),
        h("p", { class: "small" }, "One line a month, worked out here from your check-ins. It is kept "
          + "with your account only until that month's figures are worked out, then deleted."),
        h("ul", { class: "plain-list view-log" }, monthFigures(checkins).map(monthLine))),
      box.element, said.element);
  }

  drawSupervisors();
  drawRequests();
  drawViews();
  return {
    title: "Sharing",
    content: page("Sharing",
      h("p", { class: "lead" }, "Nothing is shared unless you share it. You'll see exactly what "
        + "your supervisor will see first, and you can stop at any time."),
      h("p", {}, h("a", { href: "/privacy" }, "What each person can see of you")),
      status.element,
      supervisorsArea,
      h("section", { "aria-labelledby": "talk-title", id: "talk" },
        h("h2", { id: "talk-title", tabindex: "-1" }, "I'd like to talk"),
        h("p", {}, "Let your supervisor know you'd like some time, without having to find the words first."),
        talkForm(),
        requestsArea),
      h("section", { "aria-labelledby": "views-title" },
        h("h2", { id: "views-title" }, "Who has looked"),
        h("p", { class: "small" }, "Every time a supervisor opens something you share, it shows here."),
        viewsArea),
      organisationSection()),
  };
}
