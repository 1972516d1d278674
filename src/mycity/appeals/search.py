"""Full-text search over appeals in Russian and Belarusian, with stemming.

`search_terms` turns text into the space-separated stems it is found by; the same
function makes an appeal's index row (`AppealSearch.terms`) and a staff member's query,
so a query matches whatever word forms reduce to the same stem. Russian words go
through the Snowball Russian stemmer (PyStemmer). There is no Snowball stemmer for
Belarusian: a word with a letter only Belarusian has (і, ў, the apostrophe) or a
Belarusian verb ending (-ць, -цца) has its letters folded onto Russian ones (і→и, ў→у)
and its inflectional ending cut by `_BELARUSIAN_ENDINGS`, a light stemmer of the kind
used for Slavic languages without a Snowball one. Numbers (an appeal's "2026-000123",
a house's "5", "12а") are kept whole; a number with leading zeros is also kept without
them, so "123" finds appeal 2026-000123.

The index: the table of `AppealSearch` rows, one per appeal, written in the transaction
that writes the appeal's text. On SQLite the FTS5 table `appeals_appeal_fts` indexes it
(kept in step by triggers, see migration 0003); on PostgreSQL a GIN index on the
generated column `vector`, `to_tsvector('simple', terms)`. A query is an AND of its
terms; a word's stem matches by prefix ("фонар" finds "фонарн…"), a number or a stem
shorter than three letters only whole. The user's text never reaches the database as
query syntax: only the stems do, and they are letters and digits.
"""

import functools
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import Stemmer
from django.db import connections
from django.db.models.expressions import RawSQL

from mycity.appeals.models import Appeal, AppealSearch

# Letters and digits of Cyrillic and Latin; an apostrophe inside a word is the
# Belarusian separating sign (пад'езд, сям'я).
_WORD = re.compile(r"[0-9a-zß-öø-ɏа-џ]+(?:['’ʼ][0-9a-zß-öø-ɏа-џ]+)*")
_STRESS = re.compile("[\u0300-\u036f]")
_APOSTROPHES = str.maketrans("", "", "'’ʼ")
_BELARUSIAN_LETTERS = frozenset("іў'’ʼ")
_TO_RUSSIAN = str.maketrans({"і": "и", "ў": "у"})
_VOWELS = frozenset("аеиоуыэюя")
# Inflectional endings of Belarusian verbs (infinitive and present: гарыць, гараць,
# свецяцца; past: гарэў), nouns and adjectives, with і and ў already folded to и and у;
# the longest that matches after the word's first vowel is cut. "-оу" is also the
# genitive plural (ліхтароў).
_ENDINGS = """
    ецца ицца ыцца ацца яцца уцца юцца цца
    аюць уюць яюць юць уць аць яць ыць иць ець эць оць ць
    аеш аем аеце ееш уеш уем еш ем еце ыце ице
    ау яу ыу иу еу эу оу
    ами ями ими ыми ага яга аму яму ога ому ая яя ае яе ую юю
    ых их ым им ой ай ей яй ою аю ею ам ям ах ях ом ем
    ы и а я у ю е о ь
"""
_BELARUSIAN_ENDINGS = sorted(set(_ENDINGS.split()), key=len, reverse=True)
PREFIX_MIN = 3  # a shorter stem matches only whole
MAX_WORD = 60  # longer "words" are cut (PostgreSQL refuses a query word over 2047 bytes)
MAX_QUERY_TERMS = 12
FEW_MATCHES = 2000  # up to this many matches, a search passes the ids themselves


@functools.cache
def _russian() -> Any:
    return Stemmer.Stemmer("russian")


def _is_belarusian(word: str) -> bool:
    return bool(_BELARUSIAN_LETTERS.intersection(word)) or word.endswith(("ць", "цца"))


def _belarusian_stem(word: str) -> str:
    word = word.translate(_TO_RUSSIAN).translate(_APOSTROPHES)
    first_vowel = next((i for i, letter in enumerate(word) if letter in _VOWELS), len(word))
    for ending in _BELARUSIAN_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) > first_vowel:
            return word[: -len(ending)]
    return word


@functools.lru_cache(maxsize=200_000)
def _stem(word: str) -> tuple[str, ...]:
    if word.isdigit():
        plain = word.lstrip("0")
        return (word, plain) if plain and plain != word else (word,)
    if not word.isalpha() and not _BELARUSIAN_LETTERS.intersection(word):
        return (word,)  # a house number (12а), a pole's code: kept whole
    if _is_belarusian(word):
        return (_belarusian_stem(word),)
    return (_russian().stemWord(word.translate(_APOSTROPHES)),)


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text).lower().replace("ё", "е")
    # Stress marks would split a word in two (й, ё, ў are single letters after NFC).
    return _WORD.findall(_STRESS.sub("", text))


def search_terms(text: str) -> str:
    """The stems of `text`, space-separated, in order (see the module's docstring)."""
    return " ".join(stem for word in _words(text) for stem in _stem(word[:MAX_WORD]) if stem)


def _query_terms(text: str) -> list[str]:
    return list(dict.fromkeys(search_terms(text).split()))[:MAX_QUERY_TERMS]


def query_terms(text: str) -> list[str]:
    """The terms a query of `text` looks for (every one must match)."""
    return _query_terms(text)


def text_has_terms(text: str, terms: list[str]) -> bool:
    """Whether `text` has every term as the index would match it (prefix or whole)."""
    stems = set(search_terms(text).split())
    return all(
        any(stem.startswith(t) for stem in stems) if _prefix(t) else t in stems for t in terms
    )


def match_expression(terms: list[str], vendor: str) -> str:
    """The terms as the database's full-text query: an FTS5 MATCH string on SQLite, a
    to_tsquery('simple') string on PostgreSQL. Each is letters and digits only."""
    if vendor == "sqlite":
        # Each term quoted: FTS5 reads it as a string, never as an operator.
        return " ".join(f'"{t}"*' if _prefix(t) else f'"{t}"' for t in terms)
    if vendor == "postgresql":
        return " & ".join(f"'{t}':*" if _prefix(t) else f"'{t}'" for t in terms)
    raise NotImplementedError(f"full-text search on {vendor}")


def _prefix(term: str) -> bool:
    return len(term) >= PREFIX_MIN and term.isalpha()


def terms_of(appeal: Appeal) -> str:
    """What an appeal is found by: its number, description, address and extra fields.
    Not the applicant's personal data."""
    return _terms(appeal.number, appeal.description, appeal.address, appeal.extra)


def _terms(number: str, description: str, address: str, extra: dict[str, Any] | None) -> str:
    values = " ".join(str(v) for v in (extra or {}).values() if isinstance(v, str | int))
    return search_terms(f"{number} {description} {address} {values}")


def index_appeal(appeal: Appeal) -> None:
    """Write the appeal's index row; call it in the transaction that changes its text."""
    _upsert(
        [
            AppealSearch(
                appeal_id=appeal.pk,
                terms=terms_of(appeal),
                organisation_id=appeal.organisation_id,
            )
        ]
    )


def follow_executor(appeal: Appeal) -> None:
    """Copy the appeal's new executor into its index row (see AppealSearch)."""
    AppealSearch.objects.filter(appeal_id=appeal.pk).update(organisation_id=appeal.organisation_id)


def index_appeals(ids: Iterable[int], *, batch_size: int = 2000) -> int:
    """(Re)write the index rows of the appeals `ids` (for bulk writers, e.g. the
    generator, inside their transaction); how many were written."""
    ids = list(ids)
    written = 0
    for start in range(0, len(ids), batch_size):
        appeals = Appeal.objects.filter(pk__in=ids[start : start + batch_size]).values_list(
            "pk", "organisation_id", "number", "description", "address", "extra"
        )
        rows = [
            AppealSearch(appeal_id=pk, organisation_id=organisation_id, terms=_terms(*text))
            for pk, organisation_id, *text in appeals
        ]
        _upsert(rows)
        written += len(rows)
    return written


def _upsert(rows: list[AppealSearch]) -> None:
    AppealSearch.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["appeal"],
        update_fields=["terms", "organisation"],
    )


def optimise_index(using: str = "default") -> None:
    """After a bulk (re)index: merge SQLite's FTS segments; give PostgreSQL statistics."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("INSERT INTO appeals_appeal_fts(appeals_appeal_fts) VALUES ('optimize')")
        elif connection.vendor == "postgresql":
            cursor.execute("ANALYZE appeals_appealsearch")


def matching_ids(
    text: str, using: str = "default", *, organisations: Iterable[int] | None = None
) -> list[int] | RawSQL | None:
    """The ids of the appeals whose index has every term of `text`, for `pk__in`: the
    ids themselves when they are few, else a subquery; None when the text has no term.
    `organisations`: only the appeals of these executors (on SQLite the caller's own
    filter does this: FTS5 cannot combine its match with another column cheaply).

    A rare word is best found from the index side (its few ids, then their appeals);
    a common one from the appeals' side (walk the newest until a page is full, probing
    the matches). Databases pick between the two by estimates that are poor for
    full-text matches, and a wrong pick reads a million rows (an executor searching a
    word that their organisation's appeals never have). Counting up to FEW_MATCHES
    first makes the pick on the real number."""
    terms = _query_terms(text)
    if not terms:
        return None
    connection = connections[using]
    if connection.vendor == "sqlite":
        sql = "SELECT rowid FROM appeals_appeal_fts WHERE appeals_appeal_fts MATCH %s"
        params: list[Any] = [match_expression(terms, "sqlite")]
    elif connection.vendor == "postgresql":
        sql = (
            "SELECT appeal_id FROM appeals_appealsearch "
            "WHERE vector @@ to_tsquery('simple'::regconfig, %s)"
        )
        params = [match_expression(terms, "postgresql")]
        if organisations is not None:
            sql += " AND organisation_id = ANY(%s)"
            params.append(list(organisations))
    else:
        raise NotImplementedError(f"appeal search on {connection.vendor}")
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} LIMIT %s", [*params, FEW_MATCHES + 1])
        ids = [row[0] for row in cursor.fetchall()]
    if len(ids) <= FEW_MATCHES:
        return ids
    return RawSQL(sql, params)  # noqa: S611 (the terms are a parameter)
