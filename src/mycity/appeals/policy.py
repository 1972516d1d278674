"""The rules of the Law «Об обращениях граждан и юридических лиц» (300-З) in one place.

Which grounds leave an appeal without consideration (art. 15) and for which kinds of
appeal, which of them oblige the organisation to tell the applicant (and which do not:
anonymous appeals, art. 23, and abusive ones), what makes an appeal anonymous, how far
back a repeat appeal is looked for, and how many appeals on one subject may be answered
by one publication. The services of `appeals.consideration` and `appeals.collective`
ask this module; nothing else decides these things.
"""

import re
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from mycity.appeals.models import Appeal, AppealKind, ApplicantType, Result

# Earlier appeals of the same applicant on the same subject are shown for this long.
REPEAT_WINDOW_MONTHS = 36
# "More than ten appeals on the same subject" may be answered by one publication.
COLLECTIVE_ANSWER_MINIMUM = 11
# What counts as answered on the merits, before correspondence may be stopped.
ANSWERED_ON_MERITS = frozenset({Result.SATISFIED, Result.EXPLAINED, Result.REFUSED})


class Ground(models.TextChoices):
    REQUIREMENTS_NOT_MET = "requirements", _("The appeal does not meet the law's requirements")
    OTHER_PROCEDURE = (
        "other_procedure",
        _("Another procedure applies (a court, an administrative procedure)"),
    )
    NOT_COMPETENT = (
        "not_competent",
        _("Not within the organisation's competence, and the competent body cannot be determined"),
    )
    COMPLAINT_LATE = "complaint_late", _("A complaint filed after its time limit")
    REPEAT = "repeat", _("A repeat appeal without new facts")
    CORRESPONDENCE_STOPPED = (
        "corr_stopped",
        _("Correspondence with the applicant on this subject has been stopped"),
    )
    ABUSIVE = "abusive", _("Obscene or insulting words, or threats")
    ANONYMOUS = "anonymous", _("Anonymous: the name or address is missing or false")


@dataclass(frozen=True)
class GroundRule:
    kinds: frozenset[str]
    # Whether the applicant is told (within 5 working days of registration).
    notice: bool = True


_BOTH = frozenset({AppealKind.E_APPEAL, AppealKind.PROBLEM})
_E_APPEALS = frozenset({AppealKind.E_APPEAL})

# A problem report is filed by a signed-in resident through the app: the grounds about
# a letter's form, complaints and anonymity do not apply to it.
GROUNDS: dict[Ground, GroundRule] = {
    Ground.REQUIREMENTS_NOT_MET: GroundRule(_E_APPEALS),
    Ground.OTHER_PROCEDURE: GroundRule(_BOTH),
    Ground.NOT_COMPETENT: GroundRule(_BOTH),
    Ground.COMPLAINT_LATE: GroundRule(_E_APPEALS),
    Ground.REPEAT: GroundRule(_BOTH),
    Ground.CORRESPONDENCE_STOPPED: GroundRule(_E_APPEALS),
    Ground.ABUSIVE: GroundRule(_BOTH, notice=False),
    Ground.ANONYMOUS: GroundRule(_E_APPEALS, notice=False),
}


def grounds_for(appeal: Appeal) -> list[Ground]:
    """The grounds that may apply to this appeal's kind, in the catalogue's order."""
    return [ground for ground, rule in GROUNDS.items() if appeal.kind in rule.kinds]


def ground_applies(appeal: Appeal, ground: str) -> bool:
    rule = GROUNDS.get(Ground(ground)) if ground in Ground.values else None
    return rule is not None and appeal.kind in rule.kinds


def notice_required(ground: str) -> bool:
    return GROUNDS[Ground(ground)].notice


def is_anonymous(appeal: Appeal) -> bool:
    """An e-appeal without the applicant's name, or without an address to answer to
    (postal, or e-mail for one sent electronically)."""
    if appeal.kind != AppealKind.E_APPEAL:
        return False
    if appeal.applicant_type == ApplicantType.LEGAL_ENTITY:
        named = bool(appeal.legal_name.strip())
    else:
        named = bool(appeal.applicant_name.strip())
    reachable = bool(appeal.applicant_address.strip() or appeal.applicant_email.strip())
    return not (named and reachable)


_PUNCTUATION = re.compile(r"[^\w]+")


def _normalised(text: str) -> str:
    return _PUNCTUATION.sub(" ", text.casefold().replace("ё", "е")).strip()


def name_key(appeal: Appeal) -> str:
    """The applicant's name with their postal address, as a letter gives them, written
    the same way however they were typed (case, punctuation, ё); "" without both."""
    is_legal = appeal.applicant_type == ApplicantType.LEGAL_ENTITY
    name = _normalised(appeal.legal_name if is_legal else appeal.applicant_name)
    address = _normalised(appeal.applicant_address)
    return f"{name}|{address}"[:600] if name and address else ""


def applicant_keys(appeal: Appeal) -> list[str]:
    """The ways this appeal's applicant is known: their account, their e-mail, their
    name with their postal address."""
    keys = []
    if appeal.applicant_id:
        keys.append(f"user:{appeal.applicant_id}")
    if appeal.applicant_email.strip():
        keys.append(f"email:{appeal.applicant_email.strip().casefold()}")
    if appeal.applicant_key:
        keys.append(f"name:{appeal.applicant_key}"[:600])
    return keys
