"""A shared public read is replayed before the middleware stack as the stack last
answered it, only while its copy is current, and never to anyone whose answer may be
their own."""

import pytest
from django.middleware.locale import LocaleMiddleware
from django.test import Client

from mycity.appeals.actions.api_keys import issue_api_client
from mycity.appeals.actions.moves import reject_appeal
from tests.appeal_fixtures import submit_report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cached_reads")]
REPORTS = "/api/v1/cities/polotsk/reports"
PAGES = ("/polotsk/", "/polotsk/map/", "/polotsk/news/", REPORTS, "/api/v1/cities")


@pytest.fixture
def stack_runs(monkeypatch) -> list[str]:
    """The paths for which the middleware stack ran (LocaleMiddleware is deep inside)."""
    ran: list[str] = []
    real = LocaleMiddleware.process_request

    def process_request(self, request):
        ran.append(request.path)
        return real(self, request)

    monkeypatch.setattr(LocaleMiddleware, "process_request", process_request)
    return ran


def without_request_id(response) -> dict[str, str]:
    return {name: value for name, value in response.items() if name != "X-Request-ID"}


def test_a_repeat_is_the_stacks_answer_without_the_stack(client, report, stack_runs):
    for path in PAGES:
        client.get(path)  # computed
        through_stack = client.get(path)  # the shared copy, through the stack
        stack_runs.clear()
        replayed = client.get(path)
        assert stack_runs == [], path
        assert replayed.status_code == 200
        assert replayed.content == through_stack.content, path
        assert without_request_id(replayed) == without_request_id(through_stack), path
        assert replayed["X-Request-ID"] != through_stack["X-Request-ID"]


def test_a_replayed_page_keeps_its_security_headers(client, report):
    for _ in range(3):
        response = client.get("/polotsk/map/")
    assert "tile.openstreetmap.org" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "public, max-age=1"


def test_a_replay_with_the_etag_is_a_304_without_a_body(client, report, stack_runs):
    etag = client.get("/polotsk/news/")["ETag"]
    client.get("/polotsk/news/")
    stack_runs.clear()
    again = client.get("/polotsk/news/", HTTP_IF_NONE_MATCH=etag)
    assert stack_runs == []
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert "Content-Type" not in again
    stale = client.get("/polotsk/news/", HTTP_IF_NONE_MATCH='"another"')
    assert stale.status_code == 200 and stale.content


def test_a_write_ends_the_replay_at_once(
    client, report, dispatcher, resident, street_light, django_capture_on_commit_callbacks
):
    for _ in range(3):
        listed = [item["id"] for item in client.get(REPORTS).json()["items"]]
    assert report.pk in listed
    with django_capture_on_commit_callbacks(execute=True):
        newer = submit_report(resident, street_light, description="Яма на дороге у школы")
    assert newer.pk in [item["id"] for item in client.get(REPORTS).json()["items"]]
    with django_capture_on_commit_callbacks(execute=True):
        reject_appeal(actor=dispatcher, appeal=report, note="Уже чиним.")
    for _ in range(2):
        assert report.pk not in [item["id"] for item in client.get(REPORTS).json()["items"]]


def test_each_language_and_host_is_replayed_on_its_own(client, report, settings):
    settings.ALLOWED_HOSTS = ["testserver", "mycity.example"]
    for _ in range(3):
        russian = client.get("/polotsk/news/", HTTP_ACCEPT_LANGUAGE="ru")
        belarusian = client.get("/polotsk/news/", HTTP_ACCEPT_LANGUAGE="be")
        other_host = client.get(
            "/open311/v2/requests.json?jurisdiction_id=polotsk", HTTP_HOST="mycity.example"
        )
        here = client.get("/open311/v2/requests.json?jurisdiction_id=polotsk")
        assert '<html lang="ru">' in russian.content.decode()
        assert '<html lang="be">' in belarusian.content.decode()
        assert "testserver" not in other_host.content.decode()
        assert "testserver" in here.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert '<html lang="en">' in client.get("/polotsk/news/").content.decode()


def test_the_csrf_cookie_does_not_split_the_replay_but_other_cookies_do(
    client, report, stack_runs, settings
):
    for _ in range(2):
        client.get("/polotsk/news/")
    stack_runs.clear()
    client.cookies[settings.CSRF_COOKIE_NAME] = "a" * 32
    client.get("/polotsk/news/")
    assert stack_runs == []
    client.cookies["mycity_city"] = "polotsk"
    client.get("/polotsk/news/")
    assert stack_runs == ["/polotsk/news/"]


def test_nothing_is_replayed_to_a_session_or_a_token(client, report, resident, city, stack_runs):
    for _ in range(3):
        client.get(REPORTS)
        client.get("/polotsk/")
    token = issue_api_client(city=city, name="Моё приложение", user=resident).key
    stack_runs.clear()
    with_token = client.get(REPORTS, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert stack_runs == [REPORTS]
    assert with_token["Cache-Control"] == "private, no-store"
    signed_in = Client()
    signed_in.force_login(resident)
    page = signed_in.get("/polotsk/")
    assert page["Cache-Control"] == "private, no-store"
    assert "/my/appeals/" in page.content.decode()


def test_an_unknown_host_still_gets_the_stacks_refusal(client, report):
    for _ in range(2):
        client.get("/polotsk/news/")
    assert client.get("/polotsk/news/", HTTP_HOST="evil.example").status_code == 400


def test_without_the_cache_nothing_is_replayed(client, report, settings, stack_runs):
    settings.PUBLIC_READS_CACHE = False
    for _ in range(3):
        client.get("/polotsk/news/")
    assert stack_runs == ["/polotsk/news/"] * 3
