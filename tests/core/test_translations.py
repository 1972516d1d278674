"""Russian (the default), Belarusian and English catalogs are complete and compiled."""

import re
from pathlib import Path

import polib
import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext

from mycity.core.management.commands.compile_catalogs import merged_catalog

LOCALE = Path(__file__).resolve().parents[2] / "src" / "mycity" / "locale"
LANGUAGES = ["ru", "be", "en"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def catalog(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language):
    po = catalog(language)
    untranslated = [e.msgid for e in po.untranslated_entries() if not e.obsolete]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("language", ["ru", "be"])
def test_plural_messages_have_every_form(language):
    for entry in catalog(language):
        if entry.msgid_plural and not entry.obsolete:
            assert len(entry.msgstr_plural) == 4, entry.msgid
            assert all(entry.msgstr_plural.values()), entry.msgid


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language):
    for entry in catalog(language):
        if entry.obsolete:
            continue
        wanted = sorted(PLACEHOLDER.findall(entry.msgid))
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert sorted(PLACEHOLDER.findall(text)) == wanted, (entry.msgid, text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalog_matches_its_source(language):
    po = merged_catalog(LOCALE / language / "LC_MESSAGES")
    mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo}
    for entry in po.translated_entries():
        assert compiled.get((entry.msgctxt, entry.msgid)) == (entry.msgstr, entry.msgstr_plural), (
            f"{entry.msgid!r} differs in django.mo: run `mycity compile_catalogs`"
        )


def test_django_serves_each_language():
    with translation.override("ru"):
        assert gettext("My city") == "Мой город"
    with translation.override("be"):
        assert gettext("My city") == "Мой горад"
    with translation.override("en"):
        assert gettext("My city") == "My city"


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "1 житель"),
        (3, "3 жителя"),
        (5, "5 жителей"),
        (11, "11 жителей"),
        (21, "21 житель"),
        (82000, "82000 жителей"),
    ],
)
def test_russian_plurals_follow_the_number(count, expected):
    with translation.override("ru"):
        text = ngettext("%(people)s resident", "%(people)s residents", count) % {"people": count}
    assert text == expected


def test_the_sign_in_pages_speak_belarusian(client, db):
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="be").content.decode()
    assert "Дашліце мне код для ўваходу" in html
    assert "Увайсці" in html


def test_allauths_own_russian_stays_under_russian():
    with translation.override("ru"):
        assert gettext("Send me a sign-in code") == "Пришлите мне код для входа"


def test_the_allauth_belarusian_catalog_is_complete_and_keeps_placeholders():
    extra = polib.pofile(str(LOCALE / "be" / "LC_MESSAGES" / "allauth.po"))
    assert extra.untranslated_entries() == []
    for entry in extra:
        assert sorted(PLACEHOLDER.findall(entry.msgid)) == sorted(PLACEHOLDER.findall(entry.msgstr))
