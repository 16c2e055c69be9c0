"""What the browser tests do on a page, by role and accessible name, so they keep working as the
pages grow: log in, read the results summary, find a facet, and walk the page with Tab."""

from __future__ import annotations

import re
from dataclasses import dataclass

CURATOR = "ada"
PASSWORD = "correct horse battery"
TIMEOUT_MS = 15_000  # one action or expectation; the slowest is a first search (model load)

# The summary above the hits: "Results 1–20 of 114", "114 candidate datasets", "No datasets match".
_TOTAL = re.compile(r"\bof\s+(\d[\d,]*)|(\d[\d,]*)\s+(?:candidate\s+|matching\s+)?datasets?\b", re.I)
_NONE = re.compile(r"\bNo datasets\b", re.I)
_COUNT = re.compile(r"\((\d[\d,]*)\)|(\d[\d,]*)\s*$")


def log_in(page, name: str = CURATOR, password: str = PASSWORD, next_path: str = "/curate") -> None:  # type: ignore[no-untyped-def]
    """Log in through the form, as a curator would (tests/test_curate.py does it with the client)."""
    page.goto(f"/login?next={next_path}")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(re.escape(next_path)))


def results(page):  # type: ignore[no-untyped-def]
    """The results region of /search."""
    return page.get_by_role("region", name=re.compile(r"^Results", re.I))


def result_total(page) -> int:  # type: ignore[no-untyped-def]
    """The number of datasets the results summary says matched."""
    text = results(page).inner_text()
    found = _TOTAL.search(text)
    if not found and _NONE.search(text):
        return 0
    assert found, f"no 'N datasets' summary in the results: {text[:300]!r}"
    return int((found.group(1) or found.group(2)).replace(",", ""))


def filters(page):  # type: ignore[no-untyped-def]
    """The facet sidebar of /search."""
    return page.get_by_role("complementary", name=re.compile(r"Filters", re.I))


def facet_group(page, name: re.Pattern[str]):  # type: ignore[no-untyped-def]
    """One facet: a group (fieldset/legend, role=group) named ``name``, or else the innermost
    block of the sidebar whose heading is ``name``."""
    side = filters(page)
    group = side.get_by_role("group", name=name)
    if group.count():
        return group.first
    heading = side.get_by_role("heading", name=name)
    return side.locator("section, fieldset, details, div, li").filter(has=heading).last


def facet_choices(group, name: re.Pattern[str] | str | None = None):  # type: ignore[no-untyped-def]
    """The values of one facet that can still be chosen, optionally only those named ``name``:
    links (never the 'All …' reset), or else unchecked checkboxes and radios."""
    links = group.get_by_role("link").filter(has_not_text=re.compile(r"^\s*(All|Any|Clear)\b", re.I))
    if links.count():
        return links.filter(has_text=name) if name is not None else links
    boxes = group.get_by_role("checkbox", name=name, checked=False)
    return boxes if boxes.count() else group.get_by_role("radio", name=name, checked=False)


def count_in(text: str) -> int | None:
    """The count a facet value shows beside its label: 'Dept. of Energy (12)' → 12."""
    found = _COUNT.search(text.strip())
    if not found:
        return None
    return int((found.group(1) or found.group(2)).replace(",", ""))


# --- keyboard ------------------------------------------------------------------------------------

# Every element a keyboard user must be able to reach: the list (a, button, input,
# select, textarea, [tabindex]) plus what browsers also make a tab stop (summary, contenteditable).
_WALK_SETUP = r"""
() => {
  const SEL = 'a[href], area[href], button, input, select, textarea, summary, [tabindex], [contenteditable]';
  const describe = (el) => {
    const by = (el.getAttribute('aria-labelledby') || '').split(/\s+/).map((id) => document.getElementById(id)).filter(Boolean);
    const label = el.getAttribute('aria-label') || by.map((n) => n.innerText).join(' ')
      || (el.labels && el.labels[0] && el.labels[0].innerText)
      || el.innerText || el.value || el.getAttribute('title') || el.getAttribute('name') || '';
    return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.type && el.tagName === 'INPUT' ? '[' + el.type + ']' : ''}`
      + ` "${label.trim().replace(/\s+/g, ' ').slice(0, 70)}"`;
  };
  const look = (el) => {
    const s = getComputedStyle(el);
    return { outlineStyle: s.outlineStyle, outlineWidth: s.outlineWidth, outlineColor: s.outlineColor,
             boxShadow: s.boxShadow, borderColor: s.borderColor, backgroundColor: s.backgroundColor,
             textDecoration: s.textDecorationLine };
  };
  if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
  const candidates = [...document.querySelectorAll(SEL)].filter((el) => {
    if (el.tabIndex < 0 || el.matches(':disabled') || el.closest('[inert]')) return false;
    if (el.matches('input[type=hidden]')) return false;
    if (el.tagName === 'SUMMARY') {
      const details = el.parentElement;
      if (!details || details.tagName !== 'DETAILS' || details.querySelector(':scope > summary') !== el) return false;
    }
    if (el.isContentEditable && el.parentElement && el.parentElement.isContentEditable) return false;
    return el.checkVisibility({ visibilityProperty: true, checkVisibilityCSS: true });
  });
  // Tab stops once per radio group: at its checked radio, or at its first one.
  const stops = [];
  const groups = new Set();
  for (const el of candidates) {
    if (el.matches('input[type=radio]') && el.name) {
      const group = candidates.filter((o) => o.matches('input[type=radio]') && o.name === el.name && o.form === el.form);
      if (groups.has(group[0])) continue;
      groups.add(group[0]);
      stops.push(group.find((o) => o.checked) || group[0]);
    } else {
      stops.push(el);
    }
  }
  const positive = stops.filter((el) => el.tabIndex > 0).sort((a, b) => a.tabIndex - b.tabIndex);
  const order = [...positive, ...stops.filter((el) => el.tabIndex === 0)];
  // The focused element and a few of its ancestors, as they look unfocused: a focus style may sit
  // on a wrapper (:focus-within), as it must when the element itself is not drawn (an editor's
  // hidden textarea).
  const ANCESTORS = 4;
  const chain = (el) => {
    const out = [el];
    for (let p = el.parentElement; p && out.length <= ANCESTORS && p !== document.body; p = p.parentElement) out.push(p);
    return out;
  };
  const unfocused = order.map((el) => chain(el).map(look));
  order.forEach((el, i) => { el.__kbStop = i; });
  const hasOutline = (s) => s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
    && s.outlineColor !== 'rgba(0, 0, 0, 0)' && s.outlineColor !== 'transparent';
  const drawn = (el) => { const r = el.getBoundingClientRect(); return r.width >= 2 && r.height >= 2; };
  const reached = [];
  document.addEventListener('focusin', (ev) => {
    const el = ev.composedPath()[0];
    const i = el.__kbStop === undefined ? -1 : el.__kbStop;
    let style = '';
    if (i >= 0) {
      const nodes = chain(el);
      nodes.some((node, depth) => {
        if (!drawn(node)) return false;
        const now = look(node);
        const before = unfocused[i][depth];
        const where = depth ? ` on ${node.tagName.toLowerCase()}${node.id ? '#' + node.id : ''}` : '';
        if (hasOutline(now) && (depth === 0 || !hasOutline(before) || now.outlineColor !== before.outlineColor)) {
          style = `outline ${now.outlineStyle} ${now.outlineWidth}${where}`;
        } else if (before) {
          const changed = ['boxShadow', 'borderColor', 'backgroundColor', 'textDecoration'].filter((k) => now[k] !== before[k]);
          if (changed.length) style = changed.join(',') + where;
        }
        return !!style;
      });
    }
    reached.push({ index: i, what: describe(el), visible: !!style, style });
  }, true);
  window.__kbReached = reached;
  // Start the walk at the top of the document, before its first control.
  document.documentElement.setAttribute('tabindex', '-1');
  document.documentElement.focus({ preventScroll: true });
  reached.length = 0;
  return order.map(describe);
}
"""


@dataclass
class TabWalk:
    """What pressing Tab from the top of a page did: the controls it should stop at, in order,
    and each focus it actually moved to (with whether that focus could be seen)."""

    expected: list[str]
    reached: list[dict]

    def order_problems(self) -> list[str]:
        got = [r["what"] for r in self.reached]
        problems = []
        for i, want in enumerate(self.expected):
            if i >= len(got):
                stuck = got[-1] if got else "the top of the page"
                problems.append(
                    f"Tab stopped moving after {stuck} ({i} of {len(self.expected)} controls reached); next was {want}"
                )
                break
            if self.reached[i]["index"] != i:
                problems.append(f"Tab stop {i + 1}: expected {want}, focus went to {got[i]}")
                break
        return problems

    def invisible_focus(self) -> list[str]:
        return [r["what"] for r in self.reached if r["index"] >= 0 and not r["visible"]]


def tab_walk(page, extra: int = 1) -> TabWalk:  # type: ignore[no-untyped-def]
    """Press Tab once per visible control (and ``extra`` times more) from the top of the page."""
    expected = page.evaluate(_WALK_SETUP)
    page.keyboard.press("Tab")
    page.evaluate("document.documentElement.removeAttribute('tabindex')")
    for _ in range(len(expected) - 1 + extra):
        page.keyboard.press("Tab")
    reached = page.evaluate("window.__kbReached")
    # Past the last control focus leaves the page or wraps to the first one: neither is a stop.
    return TabWalk(expected, reached[: len(expected)] if len(reached) > len(expected) else reached)


def focused_description(page) -> str:  # type: ignore[no-untyped-def]
    return page.evaluate(
        "() => { const el = document.activeElement; if (!el) return ''; "
        "return el.tagName.toLowerCase() + ' ' + (el.getAttribute('aria-label') || el.innerText || el.value || '').trim(); }"
    )


def tab_until(page, predicate_js: str, limit: int = 200) -> bool:  # type: ignore[no-untyped-def]
    """Press Tab until ``predicate_js`` (a JS function of the focused element) is true."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!el && ({predicate_js})(el); }})()"):
            return True
    return False
