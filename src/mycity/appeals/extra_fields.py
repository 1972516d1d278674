"""A category's extra fields (entrance number, vehicle plate, …): their definitions and
the check of what a resident filled in."""

import re
from typing import Any

from django.utils.translation import gettext as _

from mycity.core.translated import pick_translation

FIELD_TYPES = ("text", "integer", "plate", "choice")
DEFAULT_TEXT_LENGTH = 200
# A Belarusian registration plate: 1234 AB-7.
PLATE = re.compile(r"^[0-9]{4} ?[ABEIKMHOPCTX]{2}-[1-7]$")
# Cyrillic letters that look like the Latin ones plates are written with.
_PLATE_LETTERS = str.maketrans("АВЕІКМНОРСТХ", "ABEIKMHOPCTX")


def _label(definition: dict[str, Any]) -> str:
    return pick_translation(definition.get("label") or {}) or str(definition["name"])


def _check_one(definition: dict[str, Any], raw: Any) -> tuple[Any, str | None]:
    kind = definition.get("type", "text")
    if kind == "integer":
        try:
            value = int(str(raw).strip())
        except ValueError:
            return None, _("Enter a whole number.")
        low, high = definition.get("min"), definition.get("max")
        if (low is not None and value < low) or (high is not None and value > high):
            return None, _("Enter a number from %(min)s to %(max)s.") % {
                "min": low if low is not None else "…",
                "max": high if high is not None else "…",
            }
        return value, None
    text = str(raw).strip()
    if kind == "plate":
        plate = text.upper().translate(_PLATE_LETTERS)
        if not PLATE.match(plate):
            return None, _("Enter a registration plate like 1234 AB-7.")
        return plate, None
    if kind == "choice":
        values = [choice["value"] for choice in definition.get("choices", [])]
        if text not in values:
            return None, _("Choose one of: %(choices)s.") % {"choices": ", ".join(values)}
        return text, None
    max_length = int(definition.get("max_length") or DEFAULT_TEXT_LENGTH)
    if len(text) > max_length:
        return None, _("No more than %(max)s characters.") % {"max": max_length}
    pattern = definition.get("pattern")
    if pattern and not re.fullmatch(pattern, text):
        return None, _("The value has the wrong format.")
    return text, None


def check_extra_fields(
    definitions: list[dict[str, Any]], values: dict[str, Any]
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The cleaned values and a list of {"field", "message"} problems."""
    cleaned: dict[str, Any] = {}
    problems: list[dict[str, str]] = []
    known = {definition["name"]: definition for definition in definitions}
    for name in values:
        if name not in known:
            problems.append({"field": f"extra.{name}", "message": _("Unknown field.")})
    for name, definition in known.items():
        raw = values.get(name)
        if raw is None or str(raw).strip() == "":
            if definition.get("required"):
                problems.append(
                    {
                        "field": f"extra.{name}",
                        "message": _("%(label)s: this field is required.")
                        % {"label": _label(definition)},
                    }
                )
            continue
        value, problem = _check_one(definition, raw)
        if problem:
            problems.append({"field": f"extra.{name}", "message": problem})
        else:
            cleaned[name] = value
    return cleaned, problems


def check_definitions(definitions: Any) -> None:
    """Raise ValueError when a category's extra field definitions are malformed."""
    if not isinstance(definitions, list):
        raise ValueError("extra_fields must be a list")
    names = set()
    for definition in definitions:
        if not isinstance(definition, dict) or not re.fullmatch(
            r"[a-z][a-z0-9_]{0,39}", str(definition.get("name", ""))
        ):
            raise ValueError(f"extra field needs a name of [a-z0-9_]: {definition!r}")
        if definition.get("type", "text") not in FIELD_TYPES:
            raise ValueError(f"unknown extra field type: {definition.get('type')!r}")
        if definition["name"] in names:
            raise ValueError(f"extra field named twice: {definition['name']}")
        if definition.get("pattern"):
            try:
                re.compile(str(definition["pattern"]))
            except re.error as exc:  # not a ValueError: the callers' refusals take only those
                raise ValueError(f"extra field {definition['name']}: bad pattern: {exc}") from None
        names.add(definition["name"])
