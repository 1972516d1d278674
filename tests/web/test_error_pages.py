import pytest

pytestmark = pytest.mark.django_db


def test_an_unknown_api_path_is_json(client, settings):
    settings.DEBUG = False
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_unknown_page_is_html_in_the_visitors_language(client, settings):
    settings.DEBUG = False
    response = client.get("/a/b/c/", HTTP_ACCEPT_LANGUAGE="be")
    assert response.status_code == 404
    assert "Старонка не знойдзена." in response.content.decode()
