/* Builds DOM nodes from plain values. Tend never turns strings into HTML: the CSP's
   Trusted Types rule would refuse it, and text is always set as text. */

/**
 * Create an element.
 * @param {string} tag
 * @param {Record<string, unknown>} [props] attributes; `on<event>` keys add listeners
 * @param {...(Node|string|null|undefined|false)} children
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  element.append(...children.flat(Infinity).filter((child) => child !== null && child !== undefined && child !== false));
  // A paragraph holding one link and nothing else is a link on its own line: the CSS gives
  // it a full tap height (WCAG 2.5.8), where a link inside a sentence stays inline.
  if (tag === "p" && element.childNodes.length === 1 && element.firstChild.nodeName === "A") {
    element.classList.add("link-line");
  }
  return element;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** Create an SVG element (attributes only: charts need no listeners). */
export function s(tag, attrs = {}, ...children) {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined && value !== false) element.setAttribute(name, String(value));
  }
  element.append(...children.flat(Infinity).filter((child) => child !== null && child !== undefined && child !== false));
  return element;
}
