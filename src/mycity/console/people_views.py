"""People and roles of a city, for its administrator: who holds what, invitations,
granting and withdrawing roles, letting a leaver go. Every change goes through the
accounts services (the one `grant_role`), which write the audit trail."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mycity.accounts.models import Role
from mycity.accounts.permissions import Action, may
from mycity.accounts.selectors import staff_member, staff_of
from mycity.accounts.services import grant_role, withdraw_role
from mycity.accounts.two_factor import PERSONAL_DATA_ROLES
from mycity.appeals.actions.handover import appeals_in_work_of
from mycity.cities.models import City
from mycity.console.access import console_city_for
from mycity.console.editing import console_page
from mycity.console.people import release_leaver
from mycity.console.people_forms import InviteForm, RoleForm
from mycity.setup.invitations import INVITATION_DAYS, invitations_of, invite_staff
from mycity.web.form_errors import refusals


def admin_city(request: HttpRequest, slug: str) -> City:
    """The city whose people the person manages; a 404 for anyone else."""
    city = console_city_for(request.user, slug)
    if not may(request.user, Action.GRANT_ROLES, city):
        raise Http404
    return city


@login_required
@require_http_methods(["GET", "POST"])
def people(request: HttpRequest, slug: str) -> HttpResponse:
    city = admin_city(request, slug)
    form = InviteForm(request.POST or None, city=city)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            with refusals(form) as refused:
                invitation = invite_staff(
                    actor=request.user,  # type: ignore[arg-type]
                    city=city,
                    email=data["email"],
                    full_name=data["full_name"],
                    kind=data["kind"],
                    organisation=data["organisation"],
                )
                if invitation.pending:
                    # An existing account holds the role only once its owner accepts.
                    messages.success(
                        request,
                        _(
                            "%(email)s already has an account: they are asked to accept "
                            "the role, and hold it once they do."
                        )
                        % {"email": invitation.user.email},
                    )
                    return redirect("console:people", slug=city.slug)
                messages.success(
                    request, _("%(email)s is invited.") % {"email": invitation.user.email}
                )
                return redirect("console:person", slug=city.slug, user_id=invitation.user.pk)
            status = refused.status
    return console_page(
        request,
        city,
        "console/people.html",
        staff=staff_of(city),
        invitations=invitations_of(city),
        invitation_days=INVITATION_DAYS,
        form=form,
        personal_data_roles=PERSONAL_DATA_ROLES,
        can_read_audit=may(request.user, Action.READ_AUDIT, city),
        status=status,
    )


def _person_page(
    request: HttpRequest, city: City, user_id: int, form: RoleForm, status: int = 200
) -> HttpResponse:
    member = staff_member(city, user_id)
    if member is None:
        raise Http404
    return console_page(
        request,
        city,
        "console/person.html",
        member=member,
        form=form,
        in_work=appeals_in_work_of(member.user, city),
        needs_second_factor=any(r.kind in PERSONAL_DATA_ROLES for r in member.roles),
        can_read_audit=may(request.user, Action.READ_AUDIT, city),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def person(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    """One person's roles; the form grants another."""
    city = admin_city(request, slug)
    member = staff_member(city, user_id)
    if member is None:
        raise Http404
    form = RoleForm(request.POST or None, city=city)
    if request.method == "POST":
        if form.is_valid():
            with refusals(form) as refused:
                grant_role(
                    actor=request.user,  # type: ignore[arg-type]
                    user=member.user,
                    kind=form.cleaned_data["kind"],
                    city=city,
                    organisation=form.cleaned_data["organisation"],
                )
                messages.success(request, _("The role is granted."))
                return redirect("console:person", slug=city.slug, user_id=user_id)
            return _person_page(request, city, user_id, form, status=refused.status)
        return _person_page(request, city, user_id, form, status=400)
    return _person_page(request, city, user_id, form)


@login_required
@require_POST
def withdraw(request: HttpRequest, slug: str, user_id: int, role_id: int) -> HttpResponse:
    city = admin_city(request, slug)
    role = (
        Role.objects.filter(pk=role_id, user_id=user_id, city=city)
        .select_related("user", "city", "organisation")
        .first()
    )
    if role is None:
        raise Http404
    with refusals() as refused:
        withdraw_role(actor=request.user, role=role)  # type: ignore[arg-type]
        messages.success(request, _("The role is withdrawn."))
    if refused:
        messages.error(request, refused.message)
    if staff_member(city, user_id) is None:
        return redirect("console:people", slug=city.slug)
    return redirect("console:person", slug=city.slug, user_id=user_id)


@login_required
@require_POST
def release(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    """Let a leaver go: their work handed over, their roles withdrawn, in one step."""
    city = admin_city(request, slug)
    member = staff_member(city, user_id)
    if member is None:
        raise Http404
    with refusals() as refused:
        done = release_leaver(actor=request.user, city=city, leaver=member.user)  # type: ignore[arg-type]
        messages.success(
            request,
            _(
                "%(email)s is let go: %(appeals)d appeals in work went back to their "
                "organisations' queues."
            )
            % {"email": member.user.email, "appeals": len(done.handed_over)},
        )
        return redirect("console:people", slug=city.slug)
    messages.error(request, refused.message)
    return redirect("console:person", slug=city.slug, user_id=user_id)
