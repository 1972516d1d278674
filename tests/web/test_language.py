import pytest

pytestmark = pytest.mark.django_db


def test_choosing_a_language_sets_the_cookie_and_returns_to_the_page(client, city):
    response = client.post("/language/", {"language": "be", "next": "/polotsk/"})
    assert response.status_code == 302
    assert response["Location"] == "/polotsk/"
    assert response.cookies["mycity_language"].value == "be"
    assert '<html lang="be">' in client.get("/polotsk/").content.decode()


def test_an_external_next_goes_home_instead(client, city):
    response = client.post("/language/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


@pytest.mark.parametrize("language", ["xx", "", "ru-RU-x"])
def test_an_unknown_language_is_a_400_with_a_message(client, city, language):
    response = client.post("/language/", {"language": language})
    assert response.status_code == 400
    assert "ru, be, en" in response.content.decode()


def test_the_switcher_only_accepts_post(client, city):
    assert client.get("/language/").status_code == 405


def test_a_signed_in_users_choice_is_saved_and_follows_them(client, city, resident):
    client.force_login(resident)
    client.post("/language/", {"language": "be", "next": "/polotsk/"})
    resident.refresh_from_db()
    assert resident.language == "be"
    client.cookies.pop("mycity_language")
    assert '<html lang="be">' in client.get("/polotsk/").content.decode()


def test_the_cookie_beats_the_browsers_language(client, city):
    client.cookies["mycity_language"] = "en"
    html = client.get("/polotsk/", HTTP_ACCEPT_LANGUAGE="be").content.decode()
    assert '<html lang="en">' in html


def test_russian_is_the_default(client, city):
    assert '<html lang="ru">' in client.get("/polotsk/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
