# ruff: noqa: E501  (the in-page measurements are JavaScript, kept readable as written)
"""In-page measurements for the accessibility sweep: target sizes (WCAG 2.5.8), text
resized to 200% (1.4.4, 1.4.10), focus that is visible (2.4.7) and not obscured (2.4.11)."""

from __future__ import annotations

from playwright.sync_api import Page

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
    return {name, visible, obscured};
}"""


def focus_state(page: Page) -> dict:
    """The focused element's name, whether it shows a focus ring, and what covers it."""
    return page.evaluate(_FOCUS)
