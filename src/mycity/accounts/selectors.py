from mycity.accounts.models import User


def saved_language_of(*, user_id: int | str) -> str:
    return User.objects.filter(pk=user_id).values_list("language", flat=True).first() or ""
