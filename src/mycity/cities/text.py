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
        # More of what residents write (ул., пр-т, просп., б-р, зав., вул. …)
        "прасп",
        "бул",
        "бульв",
        "тракт",
        "мкр",
        "микрорайон",
        "мікрараён",
        "ul",
        "vul",
    }
)
# Hyphenated abbreviations, read before the words are split on hyphens.
_HYPHENATED_KINDS = re.compile(r"(?<![\w-])(?:пр-кт|пр-т|пр-д|б-р|ш-се|ул-ца)(?![\w-])")
# "д. 11", "дом 11", "д.11"
HOUSE_WORDS = frozenset({"д", "дом"})
# "корп. 2", "к. 2", "корпус 2" (the same words in Belarusian)
BUILDING_WORDS = frozenset({"к", "корп", "корпус"})
# "кв. 45", "квартира 45", "кватэра 45", "пом. 3": a flat is not part of the address
# the registry knows; it and what follows are left out.
FLAT_WORDS = frozenset({"кв", "квартира", "кватэра", "пом", "помещение", "памяшканне", "оф"})
# "г. Полоцк", "город Полоцк", "горад Полацк": the city is known from the page.
CITY_WORDS = frozenset({"г", "город", "горад", "гор"})


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


def parse_address(query: str) -> tuple[list[str], str | None]:
    """An address as residents write it → the street's words and the house number.

    "ул. Ленина, д. 11, корп. 2, кв. 5" → (["ленина"], "11к2"); "Нижне-Покровская ул., 5"
    → (["нижне", "покровская"], "5"); "пр-т Францыска Скарыны 10" → (["францыска",
    "скарыны"], "10"). The kind of street (ул., пр-т, вул., зав. …) may stand before or
    after the name; "д." before the number, a building ("корп.", "к.") and a letter
    ("12 а") after it, and the city before the street are read; a flat at the end is
    left out. A number in a street's name ("ул. 1 Мая, 5") stays in the name: the house
    number is the last number."""
    tokens = [t for t in _WORD_SPLIT.split(_HYPHENATED_KINDS.sub(" ", fold(query))) if t]
    for i, token in enumerate(tokens):
        if token in FLAT_WORDS and i > 0:
            tokens = tokens[:i]
            break
    if len(tokens) > 2 and tokens[0] in CITY_WORDS:
        tokens = tokens[2:]
    number = None
    if len(tokens) >= 3 and tokens[-2] in BUILDING_WORDS and tokens[-1].isdigit():
        if _HOUSE_NUMBER.match(tokens[-3]):
            number, tokens = f"{tokens[-3]}к{tokens[-1]}", tokens[:-3]
    elif len(tokens) >= 2 and tokens[-1] in BUILDING_WORDS - {"к"}:
        tokens = tokens[:-1]  # "11 корп." typed so far
    if number is None and len(tokens) >= 2:
        last, before = tokens[-1], tokens[-2]
        if len(last) == 1 and last.isalpha() and _HOUSE_NUMBER.match(before):
            number, tokens = before + last, tokens[:-2]  # "12 а", "12-а"
        elif _HOUSE_NUMBER.match(last):
            number, tokens = last, tokens[:-1]
    if number is not None and tokens and tokens[-1] in HOUSE_WORDS:
        tokens = tokens[:-1]
    words = [t for t in tokens if t not in STREET_KIND_WORDS]
    if not words:
        if number is None:
            return [t for t in tokens if t not in HOUSE_WORDS], None
        return [], number
    return words, number


_BUILDING_MARK = re.compile(r"(?<=\d)(?:к|корп|корпус)(?=\d)")
_NOT_IN_NUMBER = re.compile(r"[\s.\-‐–—]+")


def house_number_key(number: str) -> str:
    """A house number as it compares: "11к2", "11 корп. 2" and "11/2" are one building
    (registries write the building of a house either way); "12А", "12 а", "12-а" are one."""
    return _BUILDING_MARK.sub("/", _NOT_IN_NUMBER.sub("", fold(number)))
