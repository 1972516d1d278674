"""A national identity provider is switched on by settings alone (OpenID Connect)."""

import pytest

pytestmark = pytest.mark.django_db


def test_with_an_oidc_provider_configured_the_sign_in_page_offers_it(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "national-id",
                    "name": "Национальная система идентификации",
                    "client_id": "mycity",
                    "secret": "s3cret",
                    "settings": {"server_url": "https://id.example.by"},
                }
            ],
        }
    }
    html = client.get("/accounts/login/").content.decode()
    assert "Национальная система идентификации" in html
    assert "/accounts/oidc/national-id/login/" in html


def test_without_one_the_sign_in_page_offers_only_e_mail(client):
    html = client.get("/accounts/login/").content.decode()
    assert "/accounts/oidc/" not in html
