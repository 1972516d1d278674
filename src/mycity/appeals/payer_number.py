"""The УНП (учётный номер плательщика) of a legal entity that sends an appeal.

A legal entity's УНП is nine digits, the last a check digit: the first eight weighted
29, 23, 19, 17, 13, 7, 5, 3, summed, modulo 11 (a remainder of 10 is never issued).
The algorithm is python-stdnum's `stdnum.by.unp`, which cites the Ministry of Taxes'
rules; an individual entrepreneur's УНП, which has letters, is not a legal entity's.
"""

from stdnum.by import unp
from stdnum.exceptions import InvalidChecksum, ValidationError

DIGITS = 9


class PayerNumberError(ValueError):
    """`checksum` when nine digits do not add up; otherwise the form is wrong."""

    def __init__(self, *, checksum: bool) -> None:
        super().__init__("check digit" if checksum else "format")
        self.checksum = checksum


def legal_entity_payer_number(text: str) -> str:
    """The УНП written as nine digits ("УНП 200 988 541" → "200988541"), or
    `PayerNumberError` when it is not a legal entity's."""
    number = unp.compact(text)
    if len(number) != DIGITS or not number.isdigit():
        raise PayerNumberError(checksum=False)
    try:
        return str(unp.validate(number))
    except InvalidChecksum:
        raise PayerNumberError(checksum=True) from None
    except ValidationError:
        raise PayerNumberError(checksum=False) from None


def check_digit(first_eight: str) -> str | None:
    """The check digit of eight digits, or None when no УНП can have them."""
    try:
        return str(unp.calc_check_digit(first_eight))
    except InvalidChecksum:
        return None
