"""What the public reads of a resident's free text: a problem report's description on
the map, in the list, in GeoJSON, Open311 and search. Residents type their phone number,
e-mail or a car's plate into it, and most categories publish it without a moderator, so
these are masked wherever the public reads it; the applicant and the staff read the
original. Every public path calls `public_text`, and nothing else masks."""

import re

from django.utils.translation import pgettext

# Phone numbers: a run of digits with the separators people type (spaces, hyphens,
# dots, brackets), judged by its digits below.
_DIGITS_RUN = re.compile(r"(?<![\w+])(?:\+\s?)?\(?\d(?:[\s().\-]{0,2}\d){6,13}(?![\w])")
# Mobile operators' codes (A1, MTS, life:) and the 7-digit local form "123-45-67".
_MOBILE_CODES = ("25", "29", "33", "44")
_LOCAL = re.compile(r"^\d{3}-\d{2}-\d{2}$")

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# Belarusian plates: "1234 AB-7" and "AB 1234-7" (the region's digit 0-8), written with
# the Latin letters or their Cyrillic look-alikes, with or without spaces and hyphens.
_PLATE_LETTER = "ABEIKMHOPCTXАВЕІКМНОРСТХ"
_L = f"[{_PLATE_LETTER}{_PLATE_LETTER.lower()}]"
_PLATE = re.compile(
    rf"(?<!\w)(?:\d{{4}}\s?{_L}{{2}}[\s-]?[0-8]|{_L}{{2}}\s?\d{{4}}[\s-]?[0-8])(?!\w)"
)


def _is_phone(candidate: str) -> bool:
    digits = re.sub(r"\D", "", candidate)
    if digits.startswith("375"):
        return len(digits) == 12
    if digits.startswith("80"):
        return len(digits) == 11
    if len(digits) == 9:
        return digits.startswith(_MOBILE_CODES)
    return len(digits) == 7 and bool(_LOCAL.match(candidate.strip()))


def public_text(text: str) -> str:
    """`text` with phone numbers, e-mail addresses and car plates masked."""
    if not text:
        return text
    text = _EMAIL.sub(lambda m: pgettext("masked in public text", "[e-mail]"), text)
    text = _PLATE.sub(lambda m: pgettext("masked in public text", "[plate]"), text)
    return _DIGITS_RUN.sub(
        lambda m: (
            pgettext("masked in public text", "[phone]") if _is_phone(m.group(0)) else m.group(0)
        ),
        text,
    )
