"""
The WCAG 2.1 AA scan of the browser test: axe-core (from the npm registry, pinned by
tests/e2e/package-lock.json, installed by ./run-tests with ``npm ci``) injected into the
page by Playwright.  Only serious and critical violations fail a test; the rest are
returned for the message.
"""
import json
from pathlib import Path

from tests.e2e.conftest import _skip_or_fail

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")


def scan(page, include=None):
    """axe's violations on the page (or inside the ``include`` selector), WCAG 2.1 A and AA rules."""
    if not AXE.is_file():
        _skip_or_fail(f"axe-core is not installed ({AXE}); run `npm ci` in tests/e2e (./run-tests does)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async ([include, tags]) => {
            const result = await axe.run(include ? { include: [include] } : document,
                                         { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
            return result.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                                                  nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5) }));
        }""",
        [include, WCAG_21_AA],
    )


def assert_accessible(page, include=None, where=""):
    """No serious or critical WCAG 2.1 AA violation (the others are listed if this fails)."""
    violations = scan(page, include)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"axe found on {where or page.url}:\n{json.dumps(violations, ensure_ascii=False, indent=1)}"
    return violations
