from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Anyone who signs in: a resident (by e-mail code) or a member of staff (password + TOTP)."""

    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, blank=True)
    home_city = models.ForeignKey(
        "cities.City",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("home city"),
    )
    home_building = models.ForeignKey(
        "cities.Building",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("home address"),
    )
    # Quiet hours, in the city's time: e-mail and push wait until they end (the in-app
    # notification appears at once, silently). Both empty: no quiet hours.
    quiet_from = models.TimeField(_("quiet from"), null=True, blank=True)
    quiet_until = models.TimeField(_("quiet until"), null=True, blank=True)
    is_staff = models.BooleanField(_("may use the Django admin"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email


class RoleKind(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    DISPATCHER = "dispatcher", _("Dispatcher")
    EXECUTOR = "executor", _("Executor")
    MODERATOR = "moderator", _("Moderator")
    EDITOR = "editor", _("Editor")
    INTAKE = "intake", _("Intake clerk")
    # The organisation's head: overdue appeals of it escalate to them.
    HEAD = "head", _("Head of organisation")
    # An official the head authorised to decide on appeals in the head's stead (300-З,
    # art. 15, 21): to leave them without consideration, stop correspondence, answer
    # many by one publication. Granted by the city administrator.
    DECIDER = "decider", _("Official authorised to decide on appeals")
    # The operator's staff who answer residents' personal-data requests and keep the
    # register of incidents.
    PRIVACY_OFFICER = "privacy_officer", _("Personal data officer")
    CITY_ADMIN = "city_admin", _("City administrator")
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")


# Which scope each role needs: an executor belongs to an organisation of a city;
# most roles are city-wide; the platform administrator has no city.
ROLES_NEEDING_ORGANISATION = frozenset({RoleKind.EXECUTOR, RoleKind.HEAD, RoleKind.DECIDER})
ROLES_WITHOUT_CITY = frozenset({RoleKind.PLATFORM_ADMIN})


class Role(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("role"), max_length=20, choices=RoleKind.choices)
    city = models.ForeignKey(
        "cities.City", on_delete=models.CASCADE, null=True, blank=True, related_name="roles"
    )
    organisation = models.ForeignKey(
        "cities.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="roles"
    )
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            # Three partial constraints instead of one with NULLS NOT DISTINCT,
            # which SQLite lacks.
            models.UniqueConstraint(
                fields=["user", "kind", "organisation"],
                condition=Q(organisation__isnull=False),
                name="role_unique_in_organisation",
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "city"],
                condition=Q(organisation__isnull=True, city__isnull=False),
                name="role_unique_in_city",
            ),
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=Q(city__isnull=True),
                name="role_unique_on_platform",
            ),
            models.CheckConstraint(
                name="role_scope_matches_kind",
                condition=(
                    Q(kind="platform_admin", city__isnull=True, organisation__isnull=True)
                    | Q(
                        kind__in=["executor", "head"],
                        city__isnull=False,
                        organisation__isnull=False,
                    )
                    | (~Q(kind__in=["platform_admin", "executor", "head"]) & Q(city__isnull=False))
                ),
            ),
        ]

    def __str__(self) -> str:
        scope = self.organisation or self.city or _("platform")
        return f"{self.get_kind_display()} — {scope}"


class SubscriptionKind(models.TextChoices):
    ADDRESS = "address", _("An address")
    DISTRICT = "district", _("A district")
    NOTICE_KIND = "notice_kind", _("A kind of notices in the whole city")
    NEWS_TAG = "news_tag", _("News with a tag")
    EVENT_CATEGORY = "event_category", _("Events of a category")


class Subscription(models.Model):
    """What a resident wants to hear about, and through which channels. The resident's
    own appeals need no subscription: their news always comes."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="subscriptions")
    city = models.ForeignKey("cities.City", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=SubscriptionKind.choices)
    building = models.ForeignKey(
        "cities.Building", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    district = models.ForeignKey(
        "cities.District", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # For a kind of notices: its value (mycity.content.models.NoticeKind).
    topic = models.CharField(_("topic"), max_length=40, blank=True)
    channels = models.JSONField(_("channels"), default=list)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(
                name="subscription_target_matches_kind",
                condition=(
                    Q(kind="address", building__isnull=False, district__isnull=True, topic="")
                    | Q(kind="district", district__isnull=False, building__isnull=True, topic="")
                    | (
                        Q(
                            kind__in=["notice_kind", "news_tag", "event_category"],
                            building__isnull=True,
                            district__isnull=True,
                        )
                        & ~Q(topic="")
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "building"],
                condition=Q(kind="address"),
                name="subscription_address_once",
            ),
            models.UniqueConstraint(
                fields=["user", "district"],
                condition=Q(kind="district"),
                name="subscription_district_once",
            ),
            models.UniqueConstraint(
                fields=["user", "city", "kind", "topic"],
                condition=Q(kind__in=["notice_kind", "news_tag", "event_category"]),
                name="subscription_topic_once",
            ),
        ]
        # Whom a notice concerns: from its buildings, districts and kind.
        indexes = [
            models.Index(
                fields=["building", "user"], condition=Q(kind="address"), name="subscribed_address"
            ),
            models.Index(
                fields=["district", "user"],
                condition=Q(kind="district"),
                name="subscribed_district",
            ),
            models.Index(
                fields=["city", "kind", "topic", "user"],
                condition=Q(kind__in=["notice_kind", "news_tag", "event_category"]),
                name="subscribed_topic",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()}"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class StaffInvitation(models.Model):
    """A role offered to someone who already has an account: the role is granted only
    when they accept it, signed in, before `expires_at`. An invitation that makes a new
    account is kept too, accepted at once (its owner proves the mailbox by the link)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_invitations")
    city = models.ForeignKey("cities.City", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("role"), max_length=20, choices=RoleKind.choices)
    organisation = models.ForeignKey(
        "cities.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("invited"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InvitationStatus.choices,
        default=InvitationStatus.PENDING,
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff invitation")
        verbose_name_plural = _("staff invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "accepted", "declined"]),
                name="staff_invitation_status_known",
            ),
        ]
        indexes = [models.Index(fields=["user", "status"], name="staff_invitation_of_user")]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.city_id} {self.status}"

    def has_expired(self, now: Any = None) -> bool:
        return self.status == InvitationStatus.PENDING and self.expires_at <= (
            now or timezone.now()
        )
