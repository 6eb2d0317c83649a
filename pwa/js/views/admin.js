/* The admin screen (Priya, the wellbeing lead): invite people, see where invitations
   stand, change what people can do, name teams, and read the security log. An admin
   changes what someone may do in Tend, never what they wrote. */
import { h } from "../dom.js";
import { get } from "../api.js";
import { current } from "../session.js";
import { notice, page } from "../ui.js";
import { couldNotLoad, errorText } from "./admin/common.js";
import { inviteSection } from "./admin/invite.js";
import { invitationsSection } from "./admin/invitations.js";
import { peopleSection } from "./admin/people.js";
import { teamsSection } from "./admin/teams.js";
import { securityLogSection } from "./admin/security-log.js";

const CONTENTS = [
  ["invite", "Invite someone"],
  ["invitations", "Invitations"],
  ["people", "People"],
  ["teams", "Teams"],
  ["security-log", "Security log"],
];

/* Jump to a section without the browser's own fragment navigation, whose popstate would
   make the router draw the page afresh at the top. */
function jumpLink(id, label) {
  return h("a", {
    href: `#${id}`,
    onclick: (event) => {
      const target = document.getElementById(id);
      if (!target) return;
      event.preventDefault();
      history.replaceState(history.state, "", `#${id}`);
      target.scrollIntoView({ block: "start" });
      target.focus({ preventScroll: true });
    },
  }, label);
}

async function load() {
  const [organisation, people, invitations, audit] = await Promise.all([
    get("/api/admin/organisation"),
    get("/api/admin/people"),
    get("/api/admin/invitations"),
    get("/api/admin/audit"),
  ]);
  return { organisation, people, invitations, audit };
}

export async function adminView() {
  let data;
  try {
    data = await load();
  } catch (error) {
    return couldNotLoad({
      title: "Admin", lead: "The admin pages couldn't open just now.", error, view: adminView,
    });
  }
  const status = notice();
  const sections = [];
  const admin = {
    me: current().me || {},
    data,
    /** Fetch everything again after a change and redraw what it affects. */
    async refresh() {
      try {
        admin.data = await load();
      } catch (error) {
        status.error(`Your change was made, but this page couldn't update: ${errorText(error)}`);
        return;
      }
      status.clear();
      for (const section of sections) section.update(admin.data);
    },
  };
  sections.push(inviteSection(admin), invitationsSection(admin), peopleSection(admin),
    teamsSection(admin), securityLogSection(admin));

  return {
    title: "Admin",
    content: page("Admin",
      h("p", { class: "lead" }, `Invite people to ${data.organisation.name} and look after `
        + "what they can do in Tend."),
      h("p", {}, h("a", { href: "/admin/insights" }, "Anonymous figures for your organisation")),
      h("p", {}, h("a", { href: "/admin/support" }, "Support and prompts: what everyone sees under Get support")),
      h("p", { class: "admin-promise" },
        "Admins can change what someone can do in Tend. No one at your organisation — admins "
        + "included — can read, reset or recover anyone's private notes."),
      h("nav", { class: "admin-contents", "aria-label": "On this page" },
        h("ul", {}, CONTENTS.map(([id, label]) => h("li", {}, jumpLink(id, label))))),
      status.element,
      sections.map((section) => section.element)),
  };
}
