"""Russian (the default), Belarusian and English catalogs are complete and compiled.

Each locale's django.mo is django.po merged with the other .po files beside it
(be/allauth.po: allauth's strings, which allauth ships no Belarusian for; overrides.po:
corrections of third-party strings), django.po winning on a clash. See
docs/translations.md.
"""

import re
from pathlib import Path

import allauth
import polib
import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext, pgettext

LOCALE = Path(__file__).resolve().parents[2] / "src" / "mycity" / "locale"
LANGUAGES = ["ru", "be", "en"]
# Django's own formula for Russian and Belarusian: one, few, many, and a fourth form
# for fractions. Every catalog merged into one language must share it.
SLAVIC_PLURALS = (
    "nplurals=4; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<12 || n%100>14) ? 1 : n%10==0 || (n%10>=5 && n%10<=9) || "
    "(n%100>=11 && n%100<=14)? 2 : 3);"
)
PLURAL_FORMS = {"ru": SLAVIC_PLURALS, "be": SLAVIC_PLURALS, "en": "nplurals=2; plural=(n != 1);"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfi]|%[sdfi]|\{\w*\}")
ALLAUTH_RUSSIAN = Path(allauth.__file__).parent / "locale" / "ru" / "LC_MESSAGES" / "django.po"


def directory(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES"


def catalog(language: str) -> polib.POFile:
    return polib.pofile(str(directory(language) / "django.po"))


def extras(language: str) -> list[Path]:
    """The .po files merged into django.mo after django.po (allauth.po, overrides.po)."""
    return sorted(p for p in directory(language).glob("*.po") if p.name != "django.po")


def all_catalogs() -> list[Path]:
    return [path for lang in LANGUAGES for path in [directory(lang) / "django.po", *extras(lang)]]


def live(po: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in po if not entry.obsolete]


def translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def normalised(plural_forms: str) -> str:
    return re.sub(r"\s+", "", plural_forms).rstrip(";")


def merged(language: str) -> dict:
    """What django.mo must hold: django.po, then the other .po files for msgids it lacks."""
    result: dict = {}
    for source in [directory(language) / "django.po", *extras(language)]:
        for entry in polib.pofile(str(source)).translated_entries():
            result.setdefault((entry.msgctxt, entry.msgid), (entry.msgstr, entry.msgstr_plural))
    return result


@pytest.mark.parametrize("path", all_catalogs(), ids=lambda p: f"{p.parts[-3]}/{p.name}")
def test_every_message_is_translated_and_not_fuzzy(path):
    po = polib.pofile(str(path))
    assert [e.msgid for e in live(po) if not all(translations(e))] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


@pytest.mark.parametrize("path", all_catalogs(), ids=lambda p: f"{p.parts[-3]}/{p.name}")
def test_plural_forms_follow_the_language(path):
    language = path.parts[-3]
    po = polib.pofile(str(path))
    assert normalised(po.metadata["Plural-Forms"]) == normalised(PLURAL_FORMS[language])
    nplurals = int(re.search(r"nplurals=(\d+)", PLURAL_FORMS[language]).group(1))
    for entry in live(po):
        if entry.msgid_plural:
            assert sorted(entry.msgstr_plural) == list(range(nplurals)), entry.msgid


@pytest.mark.parametrize("path", all_catalogs(), ids=lambda p: f"{p.parts[-3]}/{p.name}")
def test_placeholders_survive_translation(path):
    for entry in live(polib.pofile(str(path))):
        wanted = sorted(PLACEHOLDER.findall(entry.msgid))
        wanted_plural = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for text in translations(entry):
            assert sorted(PLACEHOLDER.findall(text)) in (wanted, wanted_plural), (entry.msgid, text)


def test_english_says_what_the_source_says():
    for entry in live(catalog("en")):
        if entry.msgid_plural:
            assert translations(entry) == [entry.msgid, entry.msgid_plural]
        else:
            assert entry.msgstr == entry.msgid


def test_street_kind_abbreviations():
    wanted = {
        "ru": ["ул.", "пр-т", "пер.", "пл.", "б-р", "наб.", "пр-д", "ш.", "туп."],
        "be": ["вул.", "пр-т", "зав.", "пл.", "б-р", "наб.", "пр-д", "ш.", "туп."],
    }
    for language, abbreviations in wanted.items():
        found = [
            e.msgstr for e in live(catalog(language)) if e.msgctxt == "street kind abbreviation"
        ]
        assert found == abbreviations


def test_belarusian_uses_the_typographic_apostrophe():
    for path in sorted(directory("be").glob("*.po")):
        for entry in live(polib.pofile(str(path))):
            for text in translations(entry):
                assert not re.search(r"\w'\w", text), (path.name, text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalog_matches_its_sources(language):
    mo = polib.mofile(str(directory(language) / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo}
    expected = merged(language)
    stale = sorted(
        str(key[1])
        for key in expected.keys() | compiled.keys()
        if compiled.get(key) != expected.get(key)
    )
    assert stale == [], "django.mo is stale: run `.venv/bin/mycity compile_catalogs`"
    assert normalised(mo.metadata["Plural-Forms"]) == normalised(PLURAL_FORMS[language])


def test_django_serves_each_language():
    with translation.override("ru"):
        assert gettext("My city") == "Мой город"
        assert pgettext("street kind abbreviation", "st.") == "ул."
    with translation.override("be"):
        assert gettext("My city") == "Мой горад"
        assert pgettext("street kind abbreviation", "lane") == "зав."
    with translation.override("en"):
        assert gettext("My city") == "My city"


@pytest.mark.parametrize(
    ("language", "count", "expected"),
    [
        ("ru", 1, "1 житель"),
        ("ru", 3, "3 жителя"),
        ("ru", 5, "5 жителей"),
        ("ru", 11, "11 жителей"),
        ("ru", 21, "21 житель"),
        ("ru", 82000, "82000 жителей"),
        ("be", 1, "1 жыхар"),
        ("be", 4, "4 жыхары"),
        ("be", 12, "12 жыхароў"),
        ("be", 22, "22 жыхары"),
        ("be", 101, "101 жыхар"),
        ("en", 1, "1 resident"),
        ("en", 2, "2 residents"),
    ],
)
def test_plurals_follow_the_number(language, count, expected):
    with translation.override(language):
        text = ngettext("%(people)s resident", "%(people)s residents", count) % {"people": count}
    assert text == expected


def test_allauth_speaks_belarusian_under_belarusian():
    with translation.override("be"):
        assert gettext("Sign In") == "Увайсці"
        assert gettext("Send me a sign-in code") == "Дашліце мне код для ўваходу"
        assert gettext("Incorrect code.") == "Няправільны код."
        text = ngettext(
            "There is %(unused_count)s out of %(total_count)s recovery codes available.",
            "There are %(unused_count)s out of %(total_count)s recovery codes available.",
            3,
        )
        assert text == "Даступныя %(unused_count)s з %(total_count)s кодаў аднаўлення."


def test_allauths_own_russian_stays_under_russian():
    with translation.override("ru"):
        assert gettext("Sign In") == "Войти"
        assert gettext("Send me a sign-in code") == "Пришлите мне код для входа"


def test_djangos_belarusian_is_corrected_to_the_official_orthography():
    with translation.override("be"):
        assert gettext("Your password can’t be entirely numeric.") == (
            "Ваш пароль не можа складацца толькі з лічбаў."
        )


def shown_by_mycity(path: str) -> bool:
    """The allauth sources behind the pages, messages and e-mails mycity uses."""
    python = ("account/", "mfa/adapter.py", "mfa/base/", "mfa/totp/", "mfa/recovery_codes/")
    if path.startswith(python):
        return True
    if path.startswith(
        (
            "templates/account/",
            "templates/mfa/",
            "templates/allauth/",
            "templates/socialaccount/snippets/",
            "templates/socialaccount/login.html",
        )
    ):
        return not any(word in path for word in ("webauthn", "phone", "passkey"))
    return False


def test_every_allauth_string_we_show_has_belarusian():
    # allauth's Russian catalog names, for each msgid, the files that use it.
    russian = polib.pofile(str(ALLAUTH_RUSSIAN))
    belarusian = merged("be")
    missing = [
        e.msgid
        for e in live(russian)
        if any(shown_by_mycity(path) for path, _line in e.occurrences)
        and (e.msgctxt, e.msgid) not in belarusian
    ]
    assert missing == [], "add these to src/mycity/locale/be/LC_MESSAGES/allauth.po"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/accounts/login/", ["Увайсці", "Дашліце мне код для ўваходу", "Забылі пароль?"]),
        ("/accounts/login/code/", ["Вы атрымаеце код для ўваходу без пароля.", "Запытаць код"]),
        ("/accounts/signup/", ["Зарэгістравацца", "Ваш пароль не можа быць"]),
        ("/accounts/password/reset/", ["Скід пароля", "Скінуць пароль"]),
    ],
)
def test_the_sign_in_pages_speak_belarusian(client, db, url, expected):
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="be").content.decode()
    for text in expected:
        assert text in html
    russian = polib.pofile(str(ALLAUTH_RUSSIAN))
    allauth_msgids = {e.msgid for e in live(russian)}
    texts = {" ".join(t.split()).rstrip(":") for t in re.findall(r">([^<]+)<", html)}
    assert sorted(t for t in texts if t in allauth_msgids) == []
    assert "ня можа" not in html
