/* An invitation's link and QR code, shown once: Tend keeps only a fingerprint of it. */
import { h } from "../../dom.js";
import { field, formatDateTime, notice } from "../../ui.js";

/** The SVG text as a data: URL an <img> may show (the CSP allows data: images only).
    An image needs the SVG namespace, which inline SVG may leave out. */
function svgDataUrl(svg) {
  const standalone = /^<svg\b[^>]*\sxmlns=/.test(svg)
    ? svg : svg.replace(/^<svg\b/, '<svg xmlns="http://www.w3.org/2000/svg"');
  const bytes = new TextEncoder().encode(standalone);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}

/**
 * @param {{link: string, qr_svg: string, invitation: object}} result the API's answer
 * @param {{heading: string, replaced?: boolean}} options
 * @returns {HTMLElement} focus its heading to announce it
 */
export function oneTimeLink(result, { heading, replaced = false }) {
  const status = notice();
  const linkField = field({ label: "Invitation link", name: "invitation_link", required: false });
  linkField.input.value = result.link;
  linkField.input.readOnly = true;
  linkField.input.addEventListener("focus", () => linkField.input.select());
  const copy = h("button", {
    type: "button",
    class: "button small-button",
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(result.link);
        status.info("Link copied. Paste it into a private message to them.");
      } catch (error) {
        linkField.input.focus();
        status.error("Copying didn't work here. The link is selected: copy it from the box instead.");
      }
    },
  }, "Copy link");
  const who = result.invitation.label ? ` to ${result.invitation.label}` : "";
  return h("div", { class: "card one-time-link" },
    h("h3", { tabindex: "-1" }, heading),
    h("p", {},
      `Send this link${who} privately, for example by text or email. It works once, `
      + `until ${formatDateTime(result.invitation.expires_at)}.`
      + (replaced ? " The link you sent before no longer works." : "")),
    linkField.element,
    h("div", { class: "button-row" }, copy),
    status.element,
    h("figure", { class: "qr" },
      h("img", { src: svgDataUrl(result.qr_svg), alt: "QR code for the invitation link" }),
      h("figcaption", { class: "small" }, "Or they can scan this with their phone's camera.")),
    h("p", { class: "small" },
      "You'll only see this link once: Tend keeps just enough to recognise it. "
      + "If it goes astray, you can send a new one."));
}
