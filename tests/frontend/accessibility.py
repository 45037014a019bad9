"""Serious and critical accessibility violations on a page, found by axe-core (whose colour-contrast
rule checks WCAG AA)."""

import pytest

from tests.conftest import REPO_DIR

AXE = REPO_DIR / "frontend" / "editor" / "node_modules" / "axe-core" / "axe.min.js"

SERIOUS = """async () => {
  const result = await axe.run(document, { resultTypes: ['violations'] });
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id}: ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`);
}"""


def axe_violations(page):
    if not AXE.exists():
        pytest.fail("axe-core is not installed: cd frontend/editor && npm ci")
    page.add_script_tag(path=str(AXE))
    return page.evaluate(SERIOUS)
