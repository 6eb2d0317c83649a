import { h } from "../dom.js";
import { current, ENDED_WORDS, hasRole, lock } from "../session.js";

function welcome() {
  return {
    title: "Tend",
    content: h("section", { class: "welcome", "aria-labelledby": "page-title" },
      h("h1", { id: "page-title", tabindex: "-1" }, "Welcome to Tend"),
      ENDED_WORDS[current().ended] ? h("p", { role: "status" }, ENDED_WORDS[current().ended]) : null,
      h("p", { class: "lead" },
        "A private place to notice how you are, look after yourself between shifts, "
        + "and bring what matters to supervision — on your terms."),
      h("ul", { class: "promises" },
        h("li", {}, "What you write stays yours. It is locked on your device before it goes anywhere."),
        h("li", {}, "You choose what, if anything, your supervisor sees."),
        h("li", {}, "It works without signal.")),
      h("p", { class: "actions" }, h("a", { class: "button", href: "/sign-in" }, "Sign in")),
      h("p", { class: "small" },
        "Tend is for looking after yourself. It is not a clinical or diagnostic tool.")),
  };
}

function greeting(name) {
  const hour = new Date().getHours();
  const part = hour < 12 ? "Good morning" : hour < 18 ? "Good afternoon" : "Good evening";
  return name ? `${part}, ${name}` : part;
}

const PULSE_DAYS = 30;

/** A quiet invitation, below everything else, when a recent supervision session has not
    had its three questions: filled in once the server answers (nothing when offline). */
function pulseInvitation() {
  const slot = h("div", { class: "pulse-invitation" });
  import("../api.js").then(({ get }) => get("/api/sharing/sessions")).then((sessions) => {
    const since = Date.now() - PULSE_DAYS * 86_400_000;
    const waiting = sessions.find((s) => !s.pulse_given && Date.parse(`${s.held_on}T12:00:00Z`) >= since);
    if (!waiting || !slot.isConnected) return;
    slot.replaceChildren(h("p", { class: "card" },
      `How did supervision with ${waiting.supervisor.display_name} feel? `,
      h("a", { href: "/supervision" }, "Three quick questions, without your name")));
  }).catch(() => {});
  return slot;
}

function signedInHome() {
  const { me } = current();
  const links = [
    h("li", {}, h("a", { href: "/checkin" }, "Check in: how are you right now?")),
    h("li", {}, h("a", { href: "/right-now" }, "Right now: breathe, ground yourself, leave work at work")),
    h("li", {}, h("a", { href: "/after-difficult" }, "After something difficult: steady yourself, then choose what helps")),
    h("li", {}, h("a", { href: "/plan" }, "My self-care plan: what helps me, and who I can talk to")),
    h("li", {}, h("a", { href: "/journal" }, "Journal: write, or look back")),
    h("li", {}, h("a", { href: "/trends" }, "Your patterns: stress, energy, sleep, reflections")),
    hasRole("worker") ? h("li", {}, h("a", { href: "/supervision" }, "Supervision: your agenda, and how it felt")) : null,
    hasRole("worker") ? h("li", {}, h("a", { href: "/sharing" }, "Sharing: what your supervisor sees, if anything")) : null,
    hasRole("supervisor") ? h("li", {}, h("a", { href: "/supervisees" }, "Your supervisees: requests and what they share")) : null,
    hasRole("admin") ? h("li", {}, h("a", { href: "/admin" }, "Your organisation: invite and manage people")) : null,
    h("li", {}, h("a", { href: "/reminders" }, "Reminders: when Tend may nudge you, and when never")),
    h("li", {}, h("a", { href: "/settings" }, "Settings: password, recovery code, devices")),
    h("li", {}, h("a", { href: "/support" }, "Get support now")),
  ];
  return {
    title: "Tend",
    content: h("section", { "aria-labelledby": "page-title" },
      h("h1", { id: "page-title", tabindex: "-1" }, greeting(me?.display_name)),
      h("p", { class: "lead" }, "This is your space. Nothing you write here is seen by anyone unless you choose to share it."),
      h("ul", { class: "plain-list nav-list" }, links),
      h("p", { class: "actions" },
        h("button", { type: "button", class: "button secondary", onclick: () => lock() }, "Lock now")),
      h("p", { class: "small" },
        "Lock puts your notes away on this device until you enter your password again."),
      hasRole("worker") ? pulseInvitation() : null),
  };
}

export function home() {
  return current().status === "signed-out" ? welcome() : signedInHome();
}
