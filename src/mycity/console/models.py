"""What the console keeps for its staff: personal preferences, answer templates of an
organisation, saved views of the queue. Changed only through `console.services`."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffPreferences(models.Model):
    """A staff member's console settings; a person without a row has the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_preferences",
        verbose_name=_("user"),
    )
    daily_digest = models.BooleanField(
        _("daily e-mail digest"),
        default=False,
        help_text=_(
            "Every morning, an e-mail with the appeals due today, due tomorrow and overdue."
        ),
    )

    class Meta:
        verbose_name = _("staff preferences")
        verbose_name_plural = _("staff preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: digest={self.daily_digest}"


class AnswerTemplate(models.Model):
    """A ready answer an organisation's executors start from; {number}, {address} and
    {date} are filled in for the appeal at hand."""

    organisation = models.ForeignKey(
        "cities.Organisation",
        on_delete=models.CASCADE,
        related_name="answer_templates",
        verbose_name=_("organisation"),
        # The unique (organisation, title) index serves the foreign key.
        db_index=False,
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("answer template")
        verbose_name_plural = _("answer templates")
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "title"], name="answer_template_title_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SavedView(models.Model):
    """A named set of queue filters of one person in one city."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_views",
        verbose_name=_("user"),
        # The unique (user, city, name) index serves the foreign key.
        db_index=False,
    )
    city = models.ForeignKey(
        "cities.City", on_delete=models.CASCADE, related_name="+", verbose_name=_("city")
    )
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(_("filters"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "city", "name"], name="saved_view_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name
