"""The words residents use for a category: listed by the city, cleaned once, and what
the report form's search and the API's readers get."""

from mycity.appeals.actions.catalogue import upsert_category
from mycity.appeals.category_words import category_words

CITY = "/api/v1/cities/polotsk"


def pothole(city, synonyms: str):
    return upsert_category(
        city=city,
        slug="pothole",
        names={"ru": "Ямы на проезжей части", "be": "Ямы на праезнай частцы"},
        kind="problem",
        synonyms=synonyms,
    )


def test_synonyms_are_kept_as_one_list_each_word_once(city):
    category = pothole(city, " выбоина;колдобина\n  дыра   в асфальте, выбоина,, ")
    assert category.synonyms == "выбоина, колдобина, дыра в асфальте"
    assert category.synonym_list == ["выбоина", "колдобина", "дыра в асфальте"]


def test_a_category_is_found_by_its_synonyms_and_the_stems_of_every_word(city):
    words, stems = category_words(pothole(city, "выбоина"), None)
    assert "выбоина" in words.split()
    # "ямы" stems to "ям", which "яма" and "яму" start with; no stem of "на".
    assert {"ям", "выбоин", "проезж"} <= set(stems.split())
    assert "на" not in stems.split()


def test_the_api_lists_a_categorys_synonyms(client, city):
    pothole(city, "выбоина, колдобина")
    (item,) = client.get(f"{CITY}/categories").json()
    assert item["synonyms"] == ["выбоина", "колдобина"]


def test_open311_keywords_carry_the_synonyms(client, city):
    pothole(city, "выбоина")
    (service,) = client.get("/open311/v2/services.json?jurisdiction_id=polotsk").json()
    assert "выбоина" in service["keywords"]
