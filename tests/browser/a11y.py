# ruff: noqa: E501  (the in-page measurements are JavaScript, kept readable as written)
"""In-page measurements for the accessibility sweep: target sizes (WCAG 2.5.8), text
resized to 200% (1.4.4, 1.4.10), focus that is visible (2.4.7), not obscured (2.4.11) and
plainly different from the unfocused control (after 2.4.13), the keyboard-only walker, and
a recorder of what live regions announce (4.1.3)."""

from __future__ import annotations

import io
import math
import os
import re
import time

import pytest
from PIL import Image, ImageChops
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

# The PWA sweeps (accessibility, announcements, keyboard, budget, visual review) look at
# the browser alone: they run in the suite's SQLite pass and would say the same on PostgreSQL.
SWEEP = pytest.mark.skipif(
    bool(os.environ.get("TEND_TEST_DATABASE_URL")),
    reason="the PWA sweep runs in the SQLite pass of the suite",
)

INTERACTIVE = (
    "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button],"
    " [tabindex]:not([tabindex='-1'])"
)

_TARGETS = """(selector) => {
    const visible = (el) => {
        if (!el.checkVisibility({visibilityProperty: true, contentVisibilityAuto: true})) return false;
        return el.getClientRects().length > 0;
    };
    const union = (rects) => {
        const r = rects.filter((b) => b.width > 1 && b.height > 1);
        if (!r.length) return null;
        const left = Math.min(...r.map((b) => b.left)), top = Math.min(...r.map((b) => b.top));
        const right = Math.max(...r.map((b) => b.right)), bottom = Math.max(...r.map((b) => b.bottom));
        return {left, top, right, bottom, width: right - left, height: bottom - top};
    };
    // A link inside a sentence is exempt (2.5.8 "inline"): its block has text of its own.
    const inline = (el) => {
        if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
        const block = el.parentElement.closest('p, li, dd, td, label, span, div');
        return block && block.textContent.trim().length > el.textContent.trim().length + 2;
    };
    const label = (el) => {
        const name = el.getAttribute('aria-label') || el.textContent.trim()
            || (el.labels && el.labels[0] && el.labels[0].textContent.trim()) || el.name || el.id;
        return `${el.tagName.toLowerCase()} "${name.slice(0, 50)}"`;
    };
    const targets = [];
    for (const el of document.querySelectorAll(selector)) {
        if (!visible(el) || el.closest('[inert], [aria-hidden=true]') || el.disabled) continue;
        if (el.tagName === 'H1' || el.tagName === 'MAIN') continue;  // focus targets, not controls
        let rect;
        if (el.type === 'checkbox' || el.type === 'radio') {
            // Its label works it too: the target is the input with its labels.
            rect = union([el.getBoundingClientRect(),
                          ...[...(el.labels || [])].map((l) => l.getBoundingClientRect())]);
        } else {
            rect = union([el.getBoundingClientRect()]);
        }
        if (!rect) continue;
        if (rect.bottom < -window.scrollY || rect.right < 0) continue;  // off-page skip link
        targets.push({name: label(el), rect, inline: inline(el)});
    }
    const centre = (r) => [(r.left + r.right) / 2, (r.top + r.bottom) / 2];
    const distanceToRect = ([x, y], r) => Math.hypot(
        Math.max(r.left - x, 0, x - r.right), Math.max(r.top - y, 0, y - r.bottom));
    const small = (t) => t.rect.width < 23.5 || t.rect.height < 23.5;
    const under24 = [], under44 = [];
    for (const t of targets) {
        if (t.inline) continue;
        if (t.rect.width < 43.5 || t.rect.height < 43.5) {
            under44.push(`${t.name} ${Math.round(t.rect.width)}x${Math.round(t.rect.height)}`);
        }
        if (!small(t)) continue;
        // The spacing exception: a 24 px circle on its centre meets no other target or circle.
        const c = centre(t.rect);
        const crowded = targets.some((o) => o !== t && (small(o)
            ? Math.hypot(c[0] - centre(o.rect)[0], c[1] - centre(o.rect)[1]) < 24
            : distanceToRect(c, o.rect) < 12));
        if (crowded) under24.push(`${t.name} ${Math.round(t.rect.width)}x${Math.round(t.rect.height)}`);
    }
    return {count: targets.length, under24, under44};
}"""


def target_sizes(page: Page) -> dict:
    """{count, under24: [crowded targets under 24 px], under44: [targets under 44 px]}."""
    return page.evaluate(_TARGETS, INTERACTIVE)


_REFLOW = """() => {
    const width = document.documentElement.clientWidth;
    const problems = [];
    const scrollsSideways = (el) => {
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
            if (['auto', 'scroll'].includes(getComputedStyle(a).overflowX)) return true;
        }
        return false;
    };
    if (document.documentElement.scrollWidth > width + 1) {
        problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
        const reach = (el) => (['auto', 'scroll'].includes(getComputedStyle(el).overflowX)
            ? 0 : el.getBoundingClientRect().left + el.scrollWidth);
        const widest = [...document.body.querySelectorAll('*')]
            .filter((el) => !scrollsSideways(el) && el.checkVisibility())
            .map((el) => [Math.max(el.getBoundingClientRect().right, reach(el)), el])
            .filter(([r]) => r > width + 1).sort((a, b) => b[0] - a[0]).slice(0, 3)
            .map(([r, el]) => `${el.tagName}.${el.getAttribute('class')} ${Math.round(r)}`);
        problems.push(`widest: ${widest.join(', ')}`);
    }
    const describe = (el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}`
        + `${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : ''}`
        + ` "${el.textContent.trim().slice(0, 40)}"`;
    for (const el of document.body.querySelectorAll('*')) {
        if (!el.checkVisibility({visibilityProperty: true, contentVisibilityAuto: true})) continue;
        const style = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        if (box.width <= 2 || box.height <= 2) continue;  // visually hidden
        if (el.closest('.skip-link')) continue;
        const clips = [style.overflowX, style.overflowY].some((o) => o === 'hidden' || o === 'clip');
        if (clips && el.textContent.trim() && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)) {
            problems.push(`clipped: ${describe(el)} ${el.scrollWidth}x${el.scrollHeight} in `
                + `${el.clientWidth}x${el.clientHeight}`);
        }
        if (box.right > width + 1 && !scrollsSideways(el) && style.position !== 'fixed'
            && ![...el.children].some((c) => c.getBoundingClientRect().right > width + 1)) {
            problems.push(`past the right edge: ${describe(el)} ends at ${Math.round(box.right)}`);
        }
    }
    return problems;
}"""


def resize_text(page: Page, percent: int = 200) -> None:
    """Text resize as a browser's text-size setting does it: the root font size. Tend's CSS
    sizes text and spacing in rem/em, so this grows all text and nothing else — the honest
    model of 1.4.4 here. (Page zoom or CDP's page scale factor magnify the whole layout
    instead, which is reflow, not text resize.)"""
    page.evaluate(f"() => {{ document.documentElement.style.fontSize = '{percent}%'; }}")


def reflow_problems(page: Page) -> list[str]:
    """Sideways scrolling, text clipped by an overflow:hidden box, or text past the edge."""
    return page.evaluate(_REFLOW)


_FOCUS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return {name: 'body', visible: false, reason: 'nothing focused'};
    const words = el.getAttribute('aria-label') || (el.labels && el.labels[0]?.textContent)
        || el.textContent || el.placeholder || el.value || '';
    const name = `${el.tagName.toLowerCase()} "${words.trim().slice(0, 60)}"`
        + (el.name ? ` [${el.name}]` : '');
    const ring = (node) => {
        const s = getComputedStyle(node);
        const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
        const shadow = s.boxShadow && s.boxShadow !== 'none';
        return outline || shadow;
    };
    // A visually hidden input (a chip) shows its focus on its label.
    const box = el.getBoundingClientRect();
    const hiddenInput = (el.type === 'checkbox' || el.type === 'radio')
        && (box.width <= 2 || getComputedStyle(el).opacity === '0');
    const shown = hiddenInput && el.labels && el.labels[0] ? el.labels[0] : el;
    const visible = ring(shown) || (el.tagName === 'H1' && el.getAttribute('tabindex') === '-1')
        || el.id === 'main';
    const r = shown.getBoundingClientRect();
    const x = Math.min(Math.max((r.left + r.right) / 2, 0), innerWidth - 1);
    const y = (r.top + r.bottom) / 2;
    let obscured = null;
    if (y < 0 || y >= innerHeight || r.bottom <= 0 || r.top >= innerHeight) {
        obscured = `off screen at y=${Math.round(y)}`;
    } else {
        const hit = document.elementFromPoint(x, y);
        const ok = hit && (shown.contains(hit) || el.contains(hit) || hit.contains(el)
            || (hit.tagName === 'LABEL' && hit.control === el) || hit.closest('label')?.control === el);
        if (!ok) obscured = `covered by ${hit ? hit.tagName.toLowerCase() + '.' + hit.className : 'nothing'}`;
    }
    // The box the indicator is drawn around, in viewport pixels, and whether the focus was
    // put there by the app (a heading after a route change) rather than by Tab.
    const shownBox = {x: r.left, y: r.top, width: r.width, height: r.height,
        radius: parseFloat(getComputedStyle(shown).borderTopLeftRadius) || 0};
    const programmatic = el.tagName === 'H1' || el.id === 'main' || el.getAttribute('tabindex') === '-1';
    return {name, visible, obscured, box: shownBox, programmatic};
}"""

# Take the focus off, then put it back: Chromium keeps :focus-visible when script refocuses
# after keyboard use, and the next Tab goes on from the same place.
_UNFOCUS = (
    """() => { window.__tendFocused = document.activeElement; window.__tendFocused.blur(); }"""
)
_REFOCUS = """() => {
    const el = window.__tendFocused;
    delete window.__tendFocused;
    el.focus({preventScroll: true, focusVisible: true});
    return document.activeElement === el && el.matches(':focus-visible');
}"""
# How far an outline (3 px at an offset of 2 px) can reach outside the box.
_MARGIN = 8


def _luminance(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


_LINEAR = [_luminance(c) for c in range(256)]


def _relative_luminance(pixel: tuple[int, ...]) -> float:
    r, g, b = pixel[:3]
    return 0.2126 * _LINEAR[r] + 0.7152 * _LINEAR[g] + 0.0722 * _LINEAR[b]


def focus_change(page: Page, box: dict) -> dict:
    """Compare the focused control with itself unfocused, pixel by pixel (after WCAG 2.4.13):
    the area that changes colour by a contrast of at least 3:1, against the area of a 2 px
    thick perimeter of the control. The page is left focused as it was."""
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    left, top = max(box["x"] - _MARGIN, 0), max(box["y"] - _MARGIN, 0)
    right = min(box["x"] + box["width"] + _MARGIN, width)
    bottom = min(box["y"] + box["height"] + _MARGIN, height)
    clip = {"x": left, "y": top, "width": right - left, "height": bottom - top}
    if clip["width"] < 1 or clip["height"] < 1:
        return {"area": 0, "needed": 1, "restored": True}
    focused = page.screenshot(clip=clip, scale="css", animations="disabled", caret="hide")
    page.evaluate(_UNFOCUS)
    try:
        unfocused = page.screenshot(clip=clip, scale="css", animations="disabled", caret="hide")
    finally:
        restored = page.evaluate(_REFOCUS)
    with Image.open(io.BytesIO(focused)) as a, Image.open(io.BytesIO(unfocused)) as b:
        after, before = a.convert("RGB"), b.convert("RGB")
    changed = ImageChops.difference(after, before).convert("L").get_flattened_data()
    area = 0
    for index, pixels in enumerate(
        zip(after.get_flattened_data(), before.get_flattened_data(), strict=True)
    ):
        if changed[index]:
            la, lb = (_relative_luminance(p) for p in pixels)
            area += (max(la, lb) + 0.05) / (min(la, lb) + 0.05) >= 3
    # The indicator needed: a 2 px band along each side that is on screen, round corners
    # taken as the quarter circles they are (a pill's outline is shorter than its box's).
    top = box["y"] - _MARGIN >= 0
    bottom = box["y"] + box["height"] + _MARGIN <= height
    left_ = box["x"] - _MARGIN >= 0
    right_ = box["x"] + box["width"] + _MARGIN <= width
    seen_w = max(min(box["x"] + box["width"], width) - max(box["x"], 0), 0)
    seen_h = max(min(box["y"] + box["height"], height) - max(box["y"], 0), 0)
    perimeter = seen_w * (top + bottom) + seen_h * (left_ + right_)
    radius = min(box["radius"], box["width"] / 2, box["height"] / 2)
    corners = (top and left_) + (top and right_) + (bottom and left_) + (bottom and right_)
    perimeter -= (2 - math.pi / 2) * radius * corners
    needed = 2 * perimeter
    return {"area": area, "needed": max(needed, 1), "restored": restored}


def focus_state(page: Page) -> dict:
    """The focused element's name, whether it shows a focus ring, and what covers it."""
    return page.evaluate(_FOCUS)


class Keyboard:
    """Moves through a page by Tab alone, checking every focus stop on the way."""

    def __init__(self, page: Page, journey: str) -> None:
        self.page = page
        self.journey = journey
        self.stops = 0
        self.problems: list[str] = []

    def check(self, state: dict | None = None, *, announced_heading: bool = False) -> dict:
        """Check the focused element: its focus shows, nothing covers it and, for a control,
        it differs plainly from the control unfocused. A heading the app focused to announce
        a change (`announced_heading`) need not show a ring: it is not a control (2.4.7)."""
        state = state or focus_state(self.page)
        self.stops += 1
        if not state["visible"] and not announced_heading:
            self.problems.append(f"{self.journey}: no visible focus on {state['name']}")
        if state.get("obscured"):
            self.problems.append(f"{self.journey}: {state['name']} {state['obscured']}")
        if state["visible"] and not state["programmatic"] and not state.get("obscured"):
            change = focus_change(self.page, state["box"])
            if not change["restored"]:
                self.problems.append(f"{self.journey}: focus on {state['name']} not restored")
            if change["area"] < change["needed"]:
                self.problems.append(
                    f"{self.journey}: focus on {state['name']} changes {change['area']} px² at"
                    f" 3:1 against unfocused, under a 2 px perimeter ({change['needed']} px²)"
                )
        return state

    def tab_to(self, name: str | re.Pattern, *, back: bool = False, limit: int = 80) -> None:
        pattern = name if isinstance(name, re.Pattern) else re.compile(re.escape(name))
        for _ in range(limit):
            self.page.keyboard.press("Shift+Tab" if back else "Tab")
            state = self.check()
            if pattern.search(state["name"]):
                return
        raise AssertionError(f"{self.journey}: never reached {name!r} by Tab")

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def assert_focus_kept(
        self, name: str | re.Pattern | None = None, *, timeout: float = 5.0
    ) -> dict:
        """After something took the focused element away (a deletion, a new step, a closed
        confirmation): focus lands on something in the page, not on <body>, and, given
        `name`, on that. Waits up to `timeout` seconds for the page to settle. The stop is
        checked like a Tab stop, except that a heading focused to announce a change (an
        h1-h6 with tabindex=-1) need not show a ring: it is not a control (2.4.7)."""
        pattern = (
            None
            if name is None
            else (name if isinstance(name, re.Pattern) else re.compile(re.escape(name)))
        )
        deadline = time.monotonic() + timeout
        while True:
            state = focus_state(self.page)
            kept = state["name"] != "body"
            if kept and (pattern is None or pattern.search(state["name"])):
                break
            if time.monotonic() > deadline:
                where = "lost to <body>" if not kept else f"on {state['name']}"
                raise AssertionError(f"{self.journey}: focus {where}, wanted {name!r}")
            self.page.wait_for_timeout(50)
        announced = self.page.evaluate(
            "() => /^H[1-6]$/.test(document.activeElement.tagName)"
            " && document.activeElement.getAttribute('tabindex') === '-1'"
        )
        return self.check(state, announced_heading=announced)

    def done(self) -> None:
        assert self.problems == [], "\n".join(self.problems)


# ── status messages (WCAG 4.1.3) ───────────────────────────────────────────────────────

_RECORDER = """(() => {
    if (window.__announced) return;
    const announced = [];
    window.__announced = announced;
    const LIVE = '[role=status], [role=alert], [role=log], [aria-live]';
    // Live regions that were connected and rendered when an earlier batch of changes ended:
    // only those are in the accessibility tree in time for a screen reader to read news.
    const known = new WeakSet();
    const politeness = (region) => {
        const live = region.getAttribute('aria-live');
        if (live) return live;
        return region.getAttribute('role') === 'alert' ? 'assertive' : 'polite';
    };
    const regionOf = (node) => {
        const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
        const region = element && element.closest(LIVE);
        return region && region.getAttribute('aria-live') !== 'off' ? region : null;
    };
    const say = (node, text) => {
        text = (text || '').replace(/\\s+/g, ' ').trim();
        if (!text || !node.isConnected) return;
        const region = regionOf(node);
        announced.push({
            text,
            politeness: region ? politeness(region) : null,
            in_region: Boolean(region),
            region_was_there: Boolean(region && known.has(region)),
        });
    };
    const remember = () => {
        for (const region of document.querySelectorAll(LIVE)) {
            if (!region.checkVisibility || region.checkVisibility()) known.add(region);
        }
    };
    const observer = new MutationObserver((records) => {
        for (const record of records) {
            if (record.type === 'characterData') say(record.target, record.target.data);
            else for (const node of record.addedNodes) {
                say(node, node.textContent);
                // A region that arrives with its words inside something larger.
                if (node.nodeType !== Node.ELEMENT_NODE || regionOf(node)) continue;
                for (const region of node.querySelectorAll(LIVE)) say(region, region.textContent);
            }
        }
        remember();
    });
    observer.observe(document, {
        subtree: true, childList: true, characterData: true,
        attributes: true, attributeFilter: ['role', 'aria-live', 'hidden', 'class', 'style'],
    });
})()"""


def record_announcements(target) -> None:
    """Record, from before the app loads, every text that arrives in the page and whether
    it arrived in a live region that was already there (connected and rendered) before.

    `target` is a Page or a BrowserContext; read the record with `announcements(page)`."""
    target.add_init_script(_RECORDER)


def announcements(page: Page) -> list[dict]:
    """What the page has said so far: ``{text, politeness, in_region, region_was_there}``."""
    return page.evaluate("() => window.__announced || []")


def expect_announced(page: Page, text: str | re.Pattern, *, timeout: float = 10_000) -> dict:
    """Wait until `text` (exactly, whitespace folded; or a pattern matching all of it)
    arrives in a live region that was there before it; fail with what was said instead.
    Returns the announcement."""
    pattern = (
        text if isinstance(text, re.Pattern) else re.compile(re.escape(" ".join(text.split())))
    )
    try:
        page.wait_for_function(
            "(source) => (window.__announced || []).some("
            "(a) => a.region_was_there && new RegExp(`^(?:${source})$`).test(a.text))",
            arg=pattern.pattern,
            timeout=timeout,
        )
    except PlaywrightTimeoutError:
        said = [a for a in announcements(page) if a["in_region"] or pattern.search(a["text"])]
        raise AssertionError(
            f"{pattern.pattern!r} was not announced; the page said: {said}"
        ) from None
    return next(
        a for a in announcements(page) if a["region_was_there"] and pattern.fullmatch(a["text"])
    )
