"""Who sends an appeal: the applicant's personal fields, defined once.

The e-appeal form, the intake page and the import read `APPLICANT_FIELDS`; submission
copies them onto the appeal; public selectors never load `PERSONAL_FIELDS`; retention
and erasure blank them. A field added here is handled by all of them.
"""

# What an appeal says of who sends it (the Law on appeals, art. 12).
APPLICANT_FIELDS = (
    "applicant_type",
    "applicant_name",
    "applicant_address",
    "applicant_email",
    "applicant_phone",
    "legal_name",
    "legal_reg_number",
    "signatory",
)

# The applicant's personal data on an appeal row: the fields above but the type (a
# person or a legal entity, which is not personal), and the normalised name and address
# by which repeat appeals are found.
PERSONAL_FIELDS = (
    *(name for name in APPLICANT_FIELDS if name != "applicant_type"),
    "applicant_key",
)
