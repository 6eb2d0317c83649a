/* The supervisor's side: who would like to talk, who shares what, and preparing for and
   recording supervision. Her notes about a session are sealed with her own key. */
import { h } from "../dom.js";
import { OfflineError, get, post } from "../api.js";
import { choiceGroup } from "../chips.js";
import { newRecordId } from "../records.js";
import { KINDS } from "../sharing.js";
import { dayKey } from "../trends.js";
import { change, openAll, unlockedKey } from "../vault.js";
import { busy, field, formatDateTime, formatDay, notice, page } from "../ui.js";
import { sharedCard } from "./shared-content.js";

const HOW_SOON = { today: "today, if you can", "this-week": "this week", "next-supervision": "at your next supervision", "no-rush": "no rush" };
const SESSION_KINDS = [
  { value: "one-to-one", label: "One-to-one" },
  { value: "group", label: "Group" },
  { value: "debrief", label: "Debrief" },
];
const NOTE_TYPE = "supervision";

function longDate(key) {
  return formatDay(key, { year: "numeric" });
}

function couldNotLoad(title, error) {
  const said = error instanceof OfflineError
    ? "This page needs a connection: what people share is never kept on your device."
    : "This page couldn't open just now. Please try again in a moment.";
  return { title, content: page(title, h("p", {}, said)) };
}

function requestLine(request) {
  return [
    h("p", {}, `Would like to talk: ${HOW_SOON[request.how_soon]}. Asked ${formatDateTime(request.created_at)}.`),
    request.note ? h("p", { class: "small" }, `“${request.note}”`) : null,
  ];
}

export async function superviseesView() {
  let rows;
  try {
    rows = await get("/api/supervision/overview");
  } catch (error) {
    return couldNotLoad("Your supervisees", error);
  }
  const list = rows.length ? h("ul", { class: "plain-list supervisees" }, rows.map((row) => h("li", { class: "card" },
    h("h2", {}, h("a", { href: `/supervisees/prepare?id=${encodeURIComponent(row.person.id)}` }, row.person.display_name)),
    row.requests.map((request) => h("div", { class: "talk-flag" }, requestLine(request))),
    h("p", { class: "small" }, row.shares.length
      ? `Shares with you: ${[...new Set(row.shares.map((s) => KINDS[s.kind].toLowerCase()))].join(", ")}.`
      : "Shares nothing with you. That's their choice, and it's fine."),
    h("p", { class: "small" }, row.last_session_on
      ? `Last supervision: ${longDate(row.last_session_on)}.` : "No supervision recorded yet."))))
    : h("p", {}, "Nobody is linked to you as their supervisor yet.");
  return {
    title: "Your supervisees",
    content: page("Your supervisees",
      h("p", { class: "lead" }, "Checking in, not checking on: you see only what each person chose to share, "
        + "and they can see when you've looked."),
      list),
  };
}

async function myNotes(workerId) {
  const notes = await openAll(NOTE_TYPE, (record, content) => ({ id: record.id, ...content })).catch(() => []);
  return new Map(notes.filter((n) => !n.unreadable && n.workerId === workerId).map((n) => [n.sessionId, n]));
}

function recordForm(person, onRecorded) {
  const when = field({ label: "Date", name: "held-on", type: "date", value: dayKey() });
  when.input.max = dayKey();
  const kind = choiceGroup({ legend: "Kind of session", name: "session-kind", options: SESSION_KINDS, chosen: "one-to-one" });
  const notes = field({
    label: "Your notes (optional)", name: "session-notes", multiline: true, required: false, maxlength: 10_000,
    hint: `Private to you: locked with your own key. ${person.display_name} and your organisation can't read them.`,
  });
  const status = notice();
  const save = h("button", { type: "submit", class: "button" }, "Record this session");
  const form = h("form", { novalidate: true }, when.element, kind.element, notes.element, status.element,
    h("div", { class: "button-row" }, save));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!when.input.value) {
      when.setError("Choose the date it happened.");
      when.input.focus();
      return;
    }
    busy(save, "Recording…", async () => {
      let session;
      try {
        session = await post("/api/supervision/sessions", { worker_id: person.id, held_on: when.input.value, kind: kind.value() });
      } catch (error) {
        status.error(error?.message || "The session couldn't be recorded. Please try again.");
        return;
      }
      const text = notes.input.value.trim();
      if (text) {
        const dataKey = await unlockedKey();
        await change(dataKey, NOTE_TYPE, newRecordId(), () => ({
          sessionId: session.id, workerId: person.id, heldOn: session.held_on, notes: text,
        }));
      }
      await onRecorded(session);
    });
  });
  return form;
}

export async function prepareView() {
  const id = new URLSearchParams(location.search).get("id") || "";
  let prepared;
  try {
    prepared = await get(`/api/supervision/supervisees/${encodeURIComponent(id)}`);
  } catch (error) {
    if (error?.status === 404) {
      return { title: "Not found", content: page("Not found", h("p", {}, "This person isn't one of your supervisees."),
        h("p", {}, h("a", { href: "/supervisees" }, "Back to your supervisees"))) };
    }
    return couldNotLoad("Prepare supervision", error);
  }
  const { person } = prepared;
  const status = notice();
  const notes = await myNotes(person.id);
  const sessionsArea = h("div", {});

  function drawSessions(sessions) {
    sessionsArea.replaceChildren(sessions.length
      ? h("ul", { class: "plain-list" }, sessions.map((session) => {
        const note = notes.get(session.id);
        return h("li", { class: "card" },
          h("p", {}, `${longDate(session.held_on)}: ${SESSION_KINDS.find((k) => k.value === session.kind)?.label.toLowerCase()}`),
          note ? h("details", {}, h("summary", {}, "Your notes"),
            note.notes.split("\n").map((line) => h("p", {}, line))) : null);
      }))
      : h("p", {}, "No sessions recorded yet."));
  }
  drawSessions(prepared.sessions);

  const requests = prepared.requests.map((request) => {
    const item = h("li", { class: "card talk-flag" }, requestLine(request));
    if (request.acknowledged_at) {
      item.append(h("p", { class: "small" }, `You let them know you'd seen this on ${formatDateTime(request.acknowledged_at)}.`));
    } else {
      const ack = h("button", { type: "button", class: "button secondary small-button" }, "Let them know I've seen it");
      ack.addEventListener("click", () => busy(ack, "Sending…", async () => {
        try {
          const done = await post(`/api/supervision/requests/${encodeURIComponent(request.id)}/acknowledge`);
          const said = h("p", { class: "small", tabindex: "-1" },
            `You let them know you'd seen this on ${formatDateTime(done.acknowledged_at)}.`);
          ack.replaceWith(said);
          said.focus();
          status.info(`${person.display_name} can see that you've seen their request.`);
        } catch (error) {
          status.error(error?.message || "That didn't go through. Please try again.");
        }
      }));
      item.append(ack);
    }
    return item;
  });

  const since = prepared.sessions[0]?.held_on;
  return {
    title: `Prepare supervision with ${person.display_name}`,
    content: page(`Prepare supervision with ${person.display_name}`,
      h("p", { class: "lead" }, `${person.display_name} can see each time you open this page.`),
      status.element,
      requests.length ? h("section", { "aria-labelledby": "requests-title" },
        h("h2", { id: "requests-title" }, "Requests to talk"),
        h("ul", { class: "plain-list" }, requests)) : null,
      h("section", { "aria-labelledby": "shared-title" },
        h("h2", { id: "shared-title" }, "What they share with you"),
        since ? h("p", { class: "small" }, `Your last session was on ${longDate(since)}.`) : null,
        prepared.shares.length
          ? prepared.shares.map((item) => sharedCard(item.content, {
            note: `Updated on ${longDate(item.updated_on)}`,
          }))
          : h("p", {}, "Nothing shared. You can still check in with them in person.")),
      h("section", { "aria-labelledby": "record-title" },
        h("h2", { id: "record-title", tabindex: "-1" }, "Record a session"),
        recordForm(person, async (session) => {
          // Drawn here rather than fetched again: fetching would log another view.
          for (const [key, value] of await myNotes(person.id)) notes.set(key, value);
          prepared.sessions = [session, ...prepared.sessions]
            .sort((a, b) => b.held_on.localeCompare(a.held_on));
          drawSessions(prepared.sessions);
          status.info(`Recorded. ${person.display_name} will be asked, anonymously, how it felt.`);
        })),
      h("section", { "aria-labelledby": "sessions-title" },
        h("h2", { id: "sessions-title" }, "Recent sessions"),
        sessionsArea),
      h("p", {}, h("a", { href: "/supervisees" }, "Back to your supervisees"))),
  };
}
