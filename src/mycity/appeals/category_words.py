"""What a category is found by on the report form: the words of its names in every
language, its group's, and the synonyms the city lists; and their stems.

The form's search box (web/category-search.js) runs in the browser, which has no
Snowball stemmer: the stems are worked out here, by the same `search_terms` that
indexes appeals, so a longer form typed by the resident ("яму", "фонарями") is matched
against the stem of the shorter name ("ям…", "фонар…").
"""

from mycity.appeals.models import Category
from mycity.appeals.search import search_terms

# Prepositions and particles ("на", "в", "не") would match any word that starts with
# them; a stem is taken only from a word at least this long.
MIN_STEMMED_WORD = 3


def category_words(category: Category, parent: Category | None) -> tuple[str, str]:
    """The words (lower case, space-separated) and the stems a category is found by."""
    texts = [
        *category.names.values(),
        *category.synonym_list,
        *(parent.names.values() if parent else ()),
    ]
    words = dict.fromkeys(word for text in texts for word in text.lower().split() if word)
    stems = dict.fromkeys(
        stem
        for word in words
        if len(word.strip('.,;:()«»"')) >= MIN_STEMMED_WORD
        for stem in search_terms(word).split()
        if stem.isalpha() and len(stem) >= 2
    )
    return " ".join(words), " ".join(stems)
