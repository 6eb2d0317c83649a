/* The security log in plain words: who signed in, what changed, and from where. It never
   holds anything anyone wrote. */
import { h } from "../../dom.js";
import { formatDateTime } from "../../ui.js";
import { roleWords } from "./common.js";

const PAGE = 20;

/** Words for the people in one event, from the reader's point of view ("You", "Jade's"). */
function people(event, myId) {
  const name = (ref) => (!ref ? "Someone" : ref.id === myId ? "You" : ref.display_name);
  const actor = name(event.actor);
  const subject = name(event.subject);
  const subjectIsMe = event.subject?.id === myId;
  const same = event.actor && event.subject && event.actor.id === event.subject.id;
  return {
    actor,
    subject,
    their: subjectIsMe ? "your" : "their",
    whom: same ? (subjectIsMe ? "yourself" : "themselves") : subjectIsMe ? "you" : subject,
    whose: same ? (subjectIsMe ? "your own" : "their own") : subjectIsMe ? "your" : `${subject}'s`,
  };
}

function forWhom(event, invitations) {
  const invitation = invitations.get(event.detail?.invitation);
  if (invitation?.label) return ` for ${invitation.label}`;
  const roles = invitation?.roles || event.detail?.roles;
  return roles?.length ? ` for a new ${roleWords(roles)}` : "";
}

const article = (words) => (/^[aeiou]/i.test(words) ? `an ${words}` : `a ${words}`);

/** "the support resource “Care First”": the one name the log keeps of what admins add. */
const resourceWords = (event) => (event.detail?.name
  ? `the support resource \u201c${event.detail.name}\u201d`
  : "a support resource");

const itemWords = (event) => (event.detail?.kind === "feeling"
  ? "a feeling word"
  : "a journal prompt");

/** One sentence for an event, e.g. "Jade signed in". */
export function describeEvent(event, { myId, invitations, organisation }) {
  const { actor, subject, their, whom, whose } = people(event, myId);
  const invite = forWhom(event, invitations);
  const sentences = {
    organisation_set_up: () => `${actor} set up Tend for ${organisation}`,
    sign_in: () => `${subject} signed in`,
    sign_in_failed: () => (event.detail?.during
      ? `${subject} entered a wrong password`
      : `Someone tried to sign in as ${whom} with a wrong password`),
    sign_in_locked: () => `Signing in as ${whom} was paused after too many tries`,
    sign_out: () => `${subject} signed out`,
    session_ended: () => `${subject} signed out one of ${their} other devices`,
    password_changed: () => `${subject} changed ${their} password`,
    recovery_code_changed: () => `${subject} made a new recovery code`,
    recovery_used: () => `${subject} used ${their} recovery code to choose a new password`,
    recovery_failed: () => `Someone tried a wrong recovery code for ${whom}`,
    invitation_created: () => `${actor} created an invitation${invite}`,
    invitation_resent: () => `${actor} sent a new invitation link${invite}`,
    invitation_revoked: () => `${actor} withdrew the invitation${invite}`,
    invitation_accepted: () => `${subject} joined Tend with an invitation`,
    roles_changed: () => `${actor} made ${whom} ${article(roleWords(event.detail?.roles || []))}`,
    team_changed: () => `${actor} changed ${whose} team`,
    supervisors_changed: () => `${actor} changed ${whose} supervisors`,
    account_deactivated: () => `${actor} closed ${whose} account`,
    account_reactivated: () => `${actor} reopened ${whose} account`,
    support_resource_added: () => `${actor} added ${resourceWords(event)}`,
    support_resource_changed: () => `${actor} changed ${resourceWords(event)}`,
    support_resource_removed: () => `${actor} removed ${resourceWords(event)}`,
    support_resources_reordered: () => `${actor} changed the order of the support resources`,
    library_item_added: () => `${actor} added ${itemWords(event)}`,
    library_item_retired: () => `${actor} stopped offering ${itemWords(event)}`,
    library_item_restored: () => `${actor} brought back ${itemWords(event)}`,
  };
  return (sentences[event.event] || (() => `Something else happened (${event.event})`))();
}

export function securityLogSection(admin) {
  let shown = PAGE;
  let events = [];
  const list = h("ul", { class: "admin-list log" });
  const empty = h("p", {}, "Nothing here yet.");
  const more = h("button", { type: "button", class: "button secondary small-button" },
    "Show older events");
  const moreRow = h("p", {}, more); // a .button shows even when hidden itself

  function draw() {
    const context = {
      myId: admin.me.id,
      invitations: new Map(admin.data.invitations.map((invitation) => [invitation.id, invitation])),
      organisation: admin.data.organisation.name,
    };
    list.replaceChildren(...events.slice(0, shown).map((event) => h("li", {},
      h("p", {}, describeEvent(event, context)),
      h("p", { class: "small" }, [event.device, formatDateTime(event.at), event.ip && `from ${event.ip}`]
        .filter(Boolean).join(" — ")))));
    empty.hidden = events.length > 0;
    moreRow.hidden = events.length <= shown;
  }
  more.addEventListener("click", () => {
    const first = shown;
    shown += PAGE;
    draw();
    list.children[first]?.setAttribute("tabindex", "-1");
    list.children[first]?.focus();
  });

  function update(data) {
    events = data.audit;
    draw();
  }
  update(admin.data);
  return {
    element: h("section", { class: "admin-section", "aria-labelledby": "security-log" },
      h("h2", { id: "security-log", tabindex: "-1" }, "Security log"),
      h("p", {}, "Sign-ins, changes to accounts and changes to support resources, prompts and "
        + "feeling words, newest first. It never includes anything anyone wrote for themselves."),
      empty, list, moreRow),
    update,
  };
}
