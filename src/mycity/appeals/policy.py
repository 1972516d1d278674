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

# Earlier appeals of the same applicant on the same subject are shown for this long,
# counted from the arrival of the earlier (first) appeal.
REPEAT_WINDOW_MONTHS = 36
# "More than ten appeals on the same question" (art. 25¹) may be answered by one
# publication: ten applicants who each wrote twice are not enough.
COLLECTIVE_ANSWER_MINIMUM = 11
# What counts as answered on the merits, before correspondence may be stopped.
ANSWERED_ON_MERITS = frozenset({Result.SATISFIED, Result.EXPLAINED, Result.REFUSED})


class Ground(models.TextChoices):
    REQUIREMENTS_NOT_MET = (
        "requirements",
        _("The appeal does not meet the requirements of art. 12 of the Law on appeals"),
    )
    # Obscene or insulting words break the requirements of art. 12 too: the applicant
    # is told, like for any other requirement.
    ABUSIVE = "abusive", _("Obscene or insulting words or expressions (art. 12)")
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
    ANSWER_PUBLISHED = (
        "published",
        _("The question is answered by a publication on the organisation's site (art. 25¹)"),
    )
    THREATS = "threats", _("Threats to life, health or property")
    ANONYMOUS = "anonymous", _("Anonymous: the name or postal address is missing or false")


@dataclass(frozen=True)
class GroundRule:
    kinds: frozenset[str]
    # The law's article and paragraph, as the register cites it.
    article: str
    # Whether the applicant is told (within 5 working days of registration).
    notice: bool = True
    # Whether the notice must say where to apply instead ("another procedure", "not
    # competent").
    needs_where_to_apply: bool = False


_BOTH = frozenset({AppealKind.E_APPEAL, AppealKind.PROBLEM})
_E_APPEALS = frozenset({AppealKind.E_APPEAL})

# A problem report is filed by a signed-in resident through the app: the grounds about
# a letter's form, complaints, correspondence and anonymity do not apply to it.
# No notice goes out only where the law says so: anonymous appeals (art. 23), later
# appeals after correspondence was stopped (art. 21), and threats.
GROUNDS: dict[Ground, GroundRule] = {
    Ground.REQUIREMENTS_NOT_MET: GroundRule(_E_APPEALS, "art. 15 para. 1, art. 12"),
    Ground.ABUSIVE: GroundRule(_BOTH, "art. 15 para. 1, art. 12"),
    Ground.OTHER_PROCEDURE: GroundRule(_BOTH, "art. 15 para. 1", needs_where_to_apply=True),
    Ground.NOT_COMPETENT: GroundRule(_BOTH, "art. 15 para. 1", needs_where_to_apply=True),
    Ground.COMPLAINT_LATE: GroundRule(_E_APPEALS, "art. 15 para. 1"),
    Ground.REPEAT: GroundRule(_BOTH, "art. 15 para. 1, art. 21"),
    Ground.CORRESPONDENCE_STOPPED: GroundRule(_E_APPEALS, "art. 21", notice=False),
    Ground.ANSWER_PUBLISHED: GroundRule(_E_APPEALS, "art. 25¹"),
    Ground.THREATS: GroundRule(_BOTH, "art. 15", notice=False),
    Ground.ANONYMOUS: GroundRule(_E_APPEALS, "art. 23", notice=False),
}


def grounds_for(appeal: Appeal) -> list[Ground]:
    """The grounds that may apply to this appeal's kind, in the catalogue's order."""
    return [ground for ground, rule in GROUNDS.items() if appeal.kind in rule.kinds]


def ground_applies(appeal: Appeal, ground: str) -> bool:
    rule = GROUNDS.get(Ground(ground)) if ground in Ground.values else None
    return rule is not None and appeal.kind in rule.kinds


def notice_required(ground: str) -> bool:
    return GROUNDS[Ground(ground)].notice


def needs_where_to_apply(ground: str) -> bool:
    return GROUNDS[Ground(ground)].needs_where_to_apply


def is_repeat_of(appeal: Appeal, earlier: Appeal) -> bool:
    """Whether `appeal` repeats `earlier` (art. 1 and 15): to the same organisation, on
    the same question, which was answered on its merits before this one arrived. An
    open or unanswered earlier appeal is not a ground."""
    same_organisation = bool(organisations_of(appeal) & organisations_of(earlier))
    return (
        earlier.pk != appeal.pk
        and earlier.category_id == appeal.category_id
        and same_organisation
        and earlier.result in ANSWERED_ON_MERITS
        and earlier.answered_at is not None
        and earlier.answered_at <= (appeal.received_at or appeal.submitted_at)
    )


def organisations_of(appeal: Appeal) -> set[int]:
    """The organisation an appeal went to: the one that answers it, the one it was
    addressed to, and the one that registered it."""
    return {
        pk
        for pk in (appeal.organisation_id, appeal.addressee_id, appeal.registrar_id)
        if pk is not None
    }


def is_anonymous(appeal: Appeal) -> bool:
    """A written appeal without the applicant's name or without the postal address of
    their residence (of the legal entity's seat) (art. 23 with art. 12): an e-mail
    address does not replace the postal address. An e-appeal filed in the app cannot be
    anonymous: its form requires its own fields (art. 12, art. 25)."""
    if appeal.kind != AppealKind.E_APPEAL:
        return False
    if appeal.applicant_type == ApplicantType.LEGAL_ENTITY:
        named = bool(appeal.legal_name.strip())
    else:
        named = bool(appeal.applicant_name.strip())
    return not (named and appeal.applicant_address.strip())


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
