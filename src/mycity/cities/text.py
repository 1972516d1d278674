"""Normalising names of streets for search in Russian and Belarusian."""

import re

_WORD_SPLIT = re.compile(r"[\s\-‐–—.,«»\"'’ʼ()]+")

# Words naming the kind of street, in Russian, Belarusian and English; a
# resident types them ("ул. Ленина 5") but the registry keeps the kind apart.
STREET_KIND_WORDS = frozenset(
    {
        "ул",
        "улица",
        "пр",
        "пр-т",
        "просп",
        "проспект",
        "пер",
        "переулок",
        "пл",
        "площадь",
        "б-р",
        "бульвар",
        "наб",
        "набережная",
        "проезд",
        "шоссе",
        "ш",
        "туп",
        "тупик",
        "вул",
        "вуліца",
        "праспект",
        "зав",
        "завулак",
        "плошча",
        "набярэжная",
        "праезд",
        "шаша",
        "тупік",
        "st",
        "street",
        "ave",
        "avenue",
        "lane",
        "square",
        "blvd",
    }
)


def fold(text: str) -> str:
    """Lower-case, with ё→е, so «Ёлкина» and «елкина» match; Belarusian letters stay."""
    return text.casefold().replace("ё", "е")


def search_words(*names: str) -> str:
    """' word word …' of all names, for LIKE '% prefix%' searches."""
    words: list[str] = []
    for name in names:
        for word in _WORD_SPLIT.split(fold(name)):
            if word and word not in words:
                words.append(word)
    return "".join(f" {word}" for word in words)


def query_words(query: str) -> list[str]:
    words = [word for word in _WORD_SPLIT.split(fold(query)) if word]
    meaningful = [word for word in words if word not in STREET_KIND_WORDS]
    return meaningful or words


_HOUSE_NUMBER = re.compile(r"^\d+[^\s]*$")
_LEADING_DIGITS = re.compile(r"^(\d+)")


def split_house_number(words: list[str]) -> tuple[list[str], str | None]:
    """('нижне', 'покровская', '12а') → (['нижне', 'покровская'], '12а')."""
    if len(words) >= 2 and _HOUSE_NUMBER.match(words[-1]):
        return words[:-1], words[-1]
    return words, None


def house_number_sort_key(number: str) -> int:
    match = _LEADING_DIGITS.match(number.strip())
    return int(match.group(1)) if match else 0
