"""How much an appeal may carry."""

MAX_PHOTOS = 5


MAX_ATTACHMENTS = 10


MAX_DESCRIPTION = 5000


MAX_E_APPEAL_TEXT = 20000
