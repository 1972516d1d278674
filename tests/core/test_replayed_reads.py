"""A shared public read is replayed before the middleware stack as the stack last
answered it, only while its copy is current, and never to anyone whose answer may be
their own."""

import gzip

import pytest
from django.middleware.locale import LocaleMiddleware
from django.test import Client

from mycity.appeals.actions.api_keys import issue_api_client
from mycity.appeals.actions.moves import reject_appeal
from mycity.core import replayed_reads
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


def test_a_replayed_page_keeps_its_security_headers(client, report, stack_runs):
    for _ in range(2):
        client.get("/polotsk/map/")
    stack_runs.clear()
    response = client.get("/polotsk/map/")
    assert stack_runs == []
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


def test_a_client_that_accepts_gzip_gets_the_replay_compressed_and_others_get_it_plain(
    client, report, stack_runs, monkeypatch
):
    # The test city's JSON answers are a few hundred bytes; a city's are far longer.
    monkeypatch.setattr(replayed_reads, "COMPRESSED_FROM_BYTES", 256)
    for path in PAGES:
        plain = client.get(path)
        client.get(path)
        stack_runs.clear()
        packed = client.get(path, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert stack_runs == [], path
        assert packed["Content-Encoding"] == "gzip", path
        assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content)
        assert gzip.decompress(packed.content) == plain.content, path
        # The same copy: its ETag, weak since the bytes differ, still gets a 304.
        assert packed["ETag"] == "W/" + plain["ETag"]
        again = client.get(path, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=packed["ETag"])
        assert again.status_code == 304 and again["ETag"] == packed["ETag"]
        unpacked = client.get(path, HTTP_ACCEPT_ENCODING="identity")
        assert "Content-Encoding" not in unpacked and unpacked.content == plain.content
        # A shared cache must never hand the compressed bytes to a client that did not
        # ask for them; the plain ones suit every client.
        assert "Accept-Encoding" in packed["Vary"] and "Accept-Encoding" in again["Vary"]
        assert "Accept-Encoding" not in unpacked["Vary"], path


def test_a_small_answer_is_replayed_as_it_is_whatever_the_client_accepts(
    client, report, stack_runs
):
    for _ in range(2):
        small = client.get("/api/v1/cities")
    assert len(small.content) < replayed_reads.COMPRESSED_FROM_BYTES
    stack_runs.clear()
    replayed = client.get("/api/v1/cities", HTTP_ACCEPT_ENCODING="gzip")
    assert stack_runs == []
    assert "Content-Encoding" not in replayed
    assert replayed.content == small.content


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


def test_each_language_and_host_is_replayed_on_its_own(client, report, settings, stack_runs):
    settings.ALLOWED_HOSTS = ["testserver", "mycity.example"]
    open311 = "/open311/v2/requests.json?jurisdiction_id=polotsk"
    for rounds in range(3):
        if rounds == 2:
            stack_runs.clear()
        russian = client.get("/polotsk/news/", HTTP_ACCEPT_LANGUAGE="ru")
        belarusian = client.get("/polotsk/news/", HTTP_ACCEPT_LANGUAGE="be")
        other_host = client.get(open311, HTTP_HOST="mycity.example")
        here = client.get(open311)
        assert '<html lang="ru">' in russian.content.decode()
        assert '<html lang="be">' in belarusian.content.decode()
        assert "testserver" not in other_host.content.decode()
        assert "testserver" in here.content.decode()
    assert stack_runs == []  # the third round was all replays, each its own
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert '<html lang="en">' in client.get("/polotsk/news/").content.decode()


def test_a_visitors_own_strings_do_not_make_entries_of_their_own(client, report, stack_runs):
    # The key holds the language chosen from Accept-Language, not the header itself.
    for _ in range(2):
        client.get("/polotsk/news/", HTTP_ACCEPT_LANGUAGE="ru")
    stack_runs.clear()
    for n in range(20):
        page = client.get("/polotsk/news/", HTTP_ACCEPT_LANGUAGE=f"ru-RU;q=0.9, x-{n};q=0.{n % 9}")
        assert '<html lang="ru">' in page.content.decode()
    assert stack_runs == []


def test_the_csrf_language_and_city_cookies_keep_the_replay_and_others_skip_it(
    client, report, stack_runs, settings
):
    for _ in range(2):
        client.get("/polotsk/news/")
    stack_runs.clear()
    client.cookies[settings.CSRF_COOKIE_NAME] = "a" * 32
    client.cookies["mycity_city"] = "polotsk"
    client.get("/polotsk/news/")
    assert stack_runs == []
    client.cookies["tracking"] = "anything"
    for _ in range(2):
        client.get("/polotsk/news/")
    assert stack_runs == ["/polotsk/news/"] * 2


def test_a_copy_past_its_timeout_is_not_replayed(client, report, stack_runs, settings):
    for _ in range(2):
        client.get("/polotsk/news/")
    settings.PUBLIC_READS_TIMEOUT = 0
    stack_runs.clear()
    client.get("/polotsk/news/")
    assert stack_runs == ["/polotsk/news/"]


def test_a_head_request_goes_through_the_stack(client, report, stack_runs):
    for _ in range(2):
        client.get("/polotsk/news/")
    stack_runs.clear()
    client.head("/polotsk/news/")  # whatever the view says to a HEAD (this one: 405)
    assert stack_runs == ["/polotsk/news/"]


def test_an_anonymous_session_or_messages_cookie_is_never_replayed(client, report, stack_runs):
    for _ in range(2):
        client.get("/polotsk/news/")
    stack_runs.clear()
    client.cookies["sessionid"] = "anything"
    assert client.get("/polotsk/news/")["Cache-Control"] == "private, no-store"
    client.cookies.pop("sessionid")
    client.cookies["messages"] = "anything"
    assert client.get("/polotsk/news/")["Cache-Control"] == "private, no-store"
    assert stack_runs == ["/polotsk/news/"] * 2


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


def test_with_the_cache_turned_off_nothing_is_replayed(client, report, settings, stack_runs):
    for _ in range(2):
        client.get("/polotsk/news/")
    settings.PUBLIC_READS_CACHE = False
    stack_runs.clear()
    for _ in range(2):
        client.get("/polotsk/news/")
    assert stack_runs == ["/polotsk/news/"] * 2
