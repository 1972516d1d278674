"""The safe markup an answer may carry: paragraphs, emphasis, lists and links."""

import nh3

ANSWER_TAGS = {"p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "a", "blockquote"}
ANSWER_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def clean_answer(text: str) -> str:
    """The answer with every tag, attribute and URL scheme outside the list removed
    (scripts and styles with their content)."""
    return nh3.clean(
        text,
        tags=ANSWER_TAGS,
        attributes=ANSWER_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        clean_content_tags={"script", "style"},
    ).strip()
