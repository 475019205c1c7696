"""Accessibility checks in the browser tests: axe-core (bundled by axe-playwright-python) with the WCAG 2.0
and 2.1 level A and AA rules. A violation fails the test, naming each rule and the elements it found."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}

_axe = Axe()


def violations(page, *, skip: tuple[str, ...] = ()) -> list[str]:
    """One line per violation: rule id, impact, and the CSS targets of the failing elements."""
    options = {**OPTIONS, "rules": {rule: {"enabled": False} for rule in skip}}
    found = _axe.run(page, options=options).response.get("violations", [])
    return [
        f"{v['id']} ({v.get('impact')}): {v['help']} — " + ", ".join(" ".join(n["target"]) for n in v["nodes"][:8])
        for v in found
    ]


def assert_accessible(page, name: str, *, skip: tuple[str, ...] = ()) -> None:
    """``skip``: rules turned off for this page by design, each justified where it is passed."""
    problems = violations(page, skip=skip)
    if problems:
        listing = "\n  ".join(problems)
        print(f"axe: {name} ({page.url}):\n  {listing}")
        raise AssertionError(f"axe found WCAG 2.1 A/AA violations on {name} ({page.url}):\n  {listing}")
