"""axe-core (from npm) finds no serious or critical violation on the citizen app's
pages, in the three languages, at phone and desktop sizes."""

from pathlib import Path

import pytest

from tests.appeal_fixtures import submit_report
from tests.browser.conftest import BrowserProblems, serve_map_tiles
from tests.browser.test_my_appeals import sign_in

pytestmark = pytest.mark.django_db(transaction=True)
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PAGES = [
    "/polotsk/",
    "/cities/",
    "/polotsk/report/",
    "/polotsk/map/",
    "/polotsk/e-appeal/",
    "/my/appeals/",
    "/my/notifications/",
    "/my/subscriptions/",
    "/polotsk/notices/",
    "/offline/",
]
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", ["ru", "be", "en"])
def test_no_serious_violations(site, browser, resident, street_light, language, size):
    report = submit_report(resident, street_light)
    # The audit injects axe as a script of its own, which the site's CSP would refuse.
    context = browser.new_context(viewport=SIZES[size], bypass_csp=True)
    serve_map_tiles(context, [])
    context.add_cookies([{"name": "mycity_language", "value": language, "url": site.url}])
    sign_in(context, site, resident)
    page = context.new_page()
    problems = BrowserProblems()
    problems.watch(page)
    found = {}
    try:
        for path in [*PAGES, f"/my/appeals/{report.pk}/"]:
            page.goto(site.url + path)
            if violations := serious_violations(page):
                found[path] = violations
    finally:
        context.close()
    assert found == {}
    assert problems.items == []
