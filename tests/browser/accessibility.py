"""axe-core (through axe-playwright-python, which ships it) on a page in the browser:
no violation of impact serious or critical under the WCAG 2.0/2.1 A and AA rules. JIS X
8341-3, which Japanese offices follow, asks the same as WCAG 2.0 AA."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERIOUS = {"serious", "critical"}

_axe = Axe()


def violations(page, what: str) -> list[str]:
    """Every serious or critical WCAG A/AA violation on the page, described."""
    results = _axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    found = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
    return [
        f"{what}: {v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in found
    ]


def assert_accessible(page, what: str) -> None:
    """Fail with every serious or critical WCAG A/AA violation on the page, named."""
    found = violations(page, what)
    assert not found, "\n".join(found)


def focus_is_visible(page) -> bool:
    """Whether the focused element shows it: an outline or a box shadow of its own."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return false;
            const style = getComputedStyle(el);
            const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
            return outline || (style.boxShadow && style.boxShadow !== 'none');
        }"""
    )


def focused_name(page) -> str:
    """The focused element's visible name: its label, text, or value."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el) return '';
            if (el.labels && el.labels.length) return el.labels[0].innerText.trim();
            return (el.getAttribute('aria-label') || el.innerText || el.value || '').trim();
        }"""
    )


def tab_to(page, name: str, limit: int = 80, exact: bool = True) -> None:
    """Press Tab until the element called `name` has the focus; every stop on the way
    must show its focus. The page is loaded first, its stylesheet with it: a heading
    is visible before the stylesheet has come, and a Tab then showed the browser's own
    thin focus ring, not the portal's (a failure that came and went in CI)."""
    page.wait_for_load_state("load")
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            continue  # past the last control: the next Tab starts again from the top
        current = focused_name(page)
        assert focus_is_visible(page), f"the focus is not visible on {current!r}: " + str(
            page.evaluate(
                "() => { const s = getComputedStyle(document.activeElement);"
                " return [document.activeElement.outerHTML.slice(0, 200), s.outlineStyle,"
                " s.outlineWidth, s.boxShadow]; }"
            )
        )
        if current == name or (not exact and name in current):
            return
    raise AssertionError(f"Tab never reached {name!r}")
