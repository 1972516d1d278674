"""The citizen app as a Progressive Web App: manifest, service worker, offline page."""

import json

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "name"), [("ru", "Мой город"), ("be", "Мой горад")])
def test_the_manifest_names_the_app_in_the_residents_language(client, language, name):
    client.cookies["mycity_language"] = language
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert (manifest["name"], manifest["lang"]) == (name, language)
    assert (manifest["display"], manifest["scope"], manifest["start_url"]) == (
        "standalone",
        "/",
        "/?source=pwa",
    )
    sizes = {icon["sizes"] for icon in manifest["icons"] if icon.get("purpose") != "maskable"}
    assert sizes == {"192x192", "512x512"}
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])


def test_every_page_links_the_manifest(client, city):
    page = client.get("/polotsk/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page


def test_the_service_worker_is_served_fresh_from_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"]
    script = response.content.decode()
    for path in ("/static/web/site.css", "/static/web/app.js", "/offline/"):
        assert f'"{path}"' in script
    # The resident's own pages, staff pages, sign-in and the API are never kept on the
    # device, nor is any answer marked no-store.
    assert '"/console/"' in script and '"/accounts/"' in script and '"/api/"' in script
    assert '"/my/"' in script and "no-store" in script


def test_the_shell_cache_changes_with_the_language(client):
    russian = client.get("/sw.js").content.decode()
    client.cookies["mycity_language"] = "en"
    english = client.get("/sw.js").content.decode()
    version = [line for line in russian.splitlines() if line.startswith("const SHELL =")]
    assert version and version[0] not in english


@pytest.mark.parametrize(("language", "title"), [("ru", "Нет связи"), ("en", "No connection")])
def test_the_offline_page_says_so_in_the_residents_language(client, language, title):
    client.cookies["mycity_language"] = language
    response = client.get("/offline/")
    assert response.status_code == 200
    assert f"<h1>{title}</h1>" in response.content.decode()


def test_search_engines_are_kept_out_of_private_pages(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    rules = response.content.decode().splitlines()
    assert "Disallow: /console/" in rules and "Disallow: /my/" in rules
    assert "Disallow: /" not in rules  # the city's public pages stay findable
