"""The staff console: the queue, the appeal card and its actions, the demo sign-in.

Views parse, look the appeal up through the guarded lookup, call the appeals services
and render; an htmx request gets the fragment it swaps, a plain one the whole page."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, may
from mycity.appeals import selectors
from mycity.appeals.access import Audience, sees_applicant
from mycity.appeals.actions.moderation import (
    blur_photo,
    hide_photo,
    redact_description,
    request_information,
)
from mycity.appeals.actions.moves import answer_appeal, extend_term
from mycity.appeals.actions.perform import perform
from mycity.appeals.deadlines import deadline_state
from mycity.appeals.errors import InvalidAppeal
from mycity.appeals.models import Appeal, Result, Status
from mycity.appeals.routing import route
from mycity.appeals.transitions import ANSWER_RESULTS
from mycity.appeals.workflow import (
    Move,
    asks_applicant,
    capacities,
    edits_public_content,
    moves_for,
)
from mycity.cities.calendar import calendar_for
from mycity.cities.maps import allow_tiles, tiles_of
from mycity.cities.models import City, Organisation
from mycity.cities.selectors import districts_of, organisations_of
from mycity.console.access import appeal_at_desk, console_city_for, desks_of
from mycity.console.field import navigation
from mycity.console.forms import TABS, ActionForm, AuditForm, QueueForm
from mycity.console.law_actions import law_context, perform_law_action
from mycity.console.staff_views import answer_template_context, queue_tools
from mycity.core.audit import change_name, setup_changes
from mycity.web.form_errors import refusals

QUEUE_PAGE = 50
COUNTED_STATUSES = tuple(
    status for key, (_label, statuses) in TABS.items() if key != "closed" for status in statuses
)


def is_htmx(request: HttpRequest) -> bool:
    """A request htmx made, which wants the fragment it swaps in."""
    return request.headers.get("HX-Request") == "true"


def _go(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect the browser follows, with htmx or without."""
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    desks = desks_of(request.user)
    if not desks:
        raise Http404
    return redirect(desks[0].url)


def first_tab(user: Any, city: City) -> str:
    """Where a person's work is: new appeals for those who accept or moderate them, the
    appeals in work for an organisation's executors, head and officials."""
    if may(user, Action.DISPATCH, city) or may(user, Action.MODERATE, city):
        return "new"
    return "work"


def _queue_filters(form: QueueForm, now: Any, first: str) -> tuple[str, selectors.QueueFilters]:
    data = form.cleaned_data if form.is_valid() else {}
    tab = data.get("tab") or first
    band = data.get("band")
    number = (data.get("number") or "").strip() or None
    return tab, selectors.QueueFilters(
        # A number names one appeal: it is found whatever its status, not only in the
        # tab that happens to be open.
        statuses=() if number else tuple(TABS[tab][1]),
        categories=(data["category"],) if data.get("category") else (),
        district=data.get("district") or None,
        organisation=data.get("organisation") or None,
        kind=data.get("kind") or None,
        overdue_at=now if band == "overdue" else None,
        due_before=now + timedelta(days=1) if band == "due_soon" else None,
        number=number,
        text=(data.get("q") or "").strip() or None,
        by_deadline=data.get("sort") == "deadline",
    )


@require_safe
@login_required
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    city = console_city_for(request.user, slug)
    handled = selectors.handled_in(request.user, city)
    if handled is None:
        raise Http404
    now = timezone.now()
    form = QueueForm(request.GET or None)
    tab, filters = _queue_filters(form, now, first_tab(request.user, city))
    page = (
        selectors.appeals_handled_by(
            request.user, city, filters, limit=QUEUE_PAGE, with_details=False
        )
        or []
    )
    # The finished appeals are nearly all of them (900,000 of a million): counting
    # them on every refresh would cost more than the rest of the page. Their tab has
    # no count; the others are counted on the status indexes.
    counts = selectors.status_counts(handled, statuses=COUNTED_STATUSES)
    tabs = [
        (
            key,
            label,
            sum(counts.get(status, 0) for status in statuses) if key != "closed" else None,
        )
        for key, (label, statuses) in TABS.items()
    ]
    context = {
        "city": city,
        "desks": desks_of(request.user),
        "can_read_audit": may(request.user, Action.READ_AUDIT, city),
        "form": form,
        "tab": tab,
        "tabs": tabs,
        "by_number": filters.number,
        "rows": [(a, deadline_state(a, now)) for a in page],
        "categories": selectors.leaf_categories(city).order_by("name_ru"),
        "districts": districts_of(city).defer("boundary"),
        "organisations": organisations_of(city).defer("service_area"),
        **queue_tools(request, city),
    }
    template = "console/_queue_rows.html" if is_htmx(request) else "console/queue.html"
    return render(request, template, context)


def _card_context(request: HttpRequest, city: City, appeal: Appeal, **more: Any) -> dict:
    now = timezone.now()
    calendar = calendar_for(city)
    moves = moves_for(request.user, appeal)
    suggested = None
    if Move.ASSIGN in moves:
        suggested = route(
            appeal.category, lat=appeal.lat, lon=appeal.lon, building_id=appeal.building_id
        )
    nearby: list[Appeal] = []
    if appeal.lat is not None and appeal.lon is not None:
        nearby = [
            other
            for other in selectors.similar_open_reports(
                city, appeal.category, lat=appeal.lat, lon=appeal.lon, radius_m=200
            )
            if other.pk != appeal.pk
        ]
    extendable = appeal.status in (
        Status.ACCEPTED,
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        Status.REOPENED,
    ) and (Move.ASSIGN in moves or Move.ANSWER in moves)
    acting_as = capacities(request.user, appeal)
    timeline = selectors.timeline(appeal, Audience.STAFF)
    return {
        "city": city,
        "appeal": appeal,
        "moves": [m.value for m in moves],
        "extendable": extendable,
        "edits_content": edits_public_content(acting_as, appeal),
        "shows_applicant": sees_applicant(request.user, appeal),
        "asks_applicant": asks_applicant(acting_as, appeal),
        "open_questions": selectors.open_questions(timeline),
        "can_read_audit": may(request.user, Action.READ_AUDIT, city),
        "desks": desks_of(request.user),
        "timeline": timeline,
        "files": selectors.files_of(appeal, Audience.STAFF),
        "answers": selectors.answers_of(appeal),
        "state": deadline_state(appeal, now),
        "working_days_left": calendar.working_days_between(
            calendar.local_date(now), calendar.local_date(appeal.deadline)
        ),
        "suggested": suggested,
        "organisations": organisations_of(city).defer("service_area"),
        "nearby": nearby,
        "card_map": _card_map(city, appeal, nearby),
        "way": navigation(appeal.lat, appeal.lon),
        "map_id": f"card-map-{appeal.pk}",
        **answer_template_context(request, appeal, moves),
        **law_context(request, appeal, moves),
        "answer_results": [(r.value, r.label) for r in ANSWER_RESULTS],
        **more,
    }


def _card_map(city: City, appeal: Appeal, nearby: list[Appeal]) -> dict | None:
    """What the card's map draws: the appeal's point and the open reports around it."""
    if appeal.lat is None or appeal.lon is None:
        return None
    tiles = tiles_of(city)
    points = [{"lat": appeal.lat, "lon": appeal.lon, "label": appeal.number, "main": True}]
    points += [
        {
            "lat": other.lat,
            "lon": other.lon,
            "label": f"{other.number} · {other.get_status_display()}",
            "url": reverse("console:card", kwargs={"slug": city.slug, "appeal_id": other.pk}),
        }
        for other in nearby
    ]
    return {
        "lat": appeal.lat,
        "lon": appeal.lon,
        "tiles": tiles.url,
        "attribution": tiles.attribution,
        "points": points,
    }


@require_safe
@login_required
def card(request: HttpRequest, slug: str, appeal_id: int) -> HttpResponse:
    city = console_city_for(request.user, slug)
    appeal = appeal_at_desk(request.user, city, appeal_id)
    response = render(request, "console/card.html", _card_context(request, city, appeal))
    return allow_tiles(response, tiles_of(city))


def _perform(
    actor: User, city: City, appeal: Appeal, form: ActionForm, files: list, after_photos: list
) -> None:
    data = form.cleaned_data
    action, note = data["action"], data.get("note") or ""
    version = data.get("expected_version")
    if perform_law_action(actor, city, appeal, data):
        return
    if action == "answer":
        answer_appeal(
            actor=actor,
            appeal=appeal,
            text=data.get("text") or "",
            files=files,
            after_photos=after_photos,
            expected_version=version,
            result=data.get("result") or Result.EXPLAINED,
        )
        return
    if action == "extend":
        extend_term(
            actor=actor,
            appeal=appeal,
            reason=note,
            working_days=data.get("working_days"),
            expected_version=version,
        )
        return
    if action == "redact":
        redact_description(
            actor=actor,
            appeal=appeal,
            text=data.get("text") or "",
            reason=note,
            expected_version=version,
        )
        return
    if action in ("hide_photo", "blur_photo"):
        change = hide_photo if action == "hide_photo" else blur_photo
        change(actor=actor, appeal=appeal, file_id=data.get("file_id") or 0, reason=note)
        return
    if action == "request_information":
        request_information(actor=actor, appeal=appeal, question=note, expected_version=version)
        return
    organisation = None
    if data.get("organisation"):
        organisation = Organisation.objects.filter(city=city, slug=data["organisation"]).first()
        if organisation is None:
            raise InvalidAppeal(
                _("There is no such organisation in this city."), field="organisation"
            )
    original = None
    if data.get("duplicate_of"):
        number = data["duplicate_of"].strip()
        original = Appeal.objects.filter(city=city, number__endswith=number).first()
        if original is None:
            raise InvalidAppeal(_("There is no such appeal."), field="duplicate_of")
    perform(
        actor=actor,
        appeal=appeal,
        move=Move(action),
        note=note,
        organisation=organisation,
        duplicate_of=original,
        redirected_to=data.get("redirected_to") or "",
        expected_version=version,
    )


@login_required
@require_POST
def act(request: HttpRequest, slug: str, appeal_id: int) -> HttpResponse:
    """One action on the appeal; the card comes back with the result in its timeline."""
    city = console_city_for(request.user, slug)
    appeal = appeal_at_desk(request.user, city, appeal_id)
    form = ActionForm(request.POST)
    error: str | None = None
    status = 200
    if not form.is_valid():
        error, status = "; ".join(str(e) for errs in form.errors.values() for e in errs), 400
    else:
        try:
            with refusals() as refused:
                _perform(
                    request.user,  # type: ignore[arg-type]
                    city,
                    appeal,
                    form,
                    request.FILES.getlist("files"),
                    request.FILES.getlist("after_photos"),
                )
        except PermissionDenied:
            error, status = _("You may not do this."), 403
        if refused:
            error, status = refused.message, refused.status
    if error is None:
        try:
            fresh = appeal_at_desk(request.user, city, appeal_id)
        except Http404:
            # Done, and out of this person's hands (a moderator's approval, an
            # executor's hand-back): back to the queue.
            messages.success(request, _("Done: appeal %(number)s.") % {"number": appeal.number})
            return _go(request, reverse("console:queue", kwargs={"slug": city.slug}))
        if not is_htmx(request):
            return redirect("console:card", slug=city.slug, appeal_id=appeal_id)
    else:
        fresh = appeal
        fresh.refresh_from_db()
    context = _card_context(request, city, fresh, error=error, last_action=form.data.get("action"))
    template = "console/_card.html" if is_htmx(request) else "console/card.html"
    return allow_tiles(render(request, template, context, status=status), tiles_of(city))


# --- the audit trail: what staff did to the city's appeals, for its administrators ---


def _changes(event: Any) -> list[tuple[str, str, str]]:
    """What an event changed, as (what, before, after), from its statuses and data."""
    data = event.data or {}
    changes: list[tuple[str, str, str]] = []
    if event.from_status or event.to_status:
        changes.append(
            (
                _("Status"),
                event.get_from_status_display() if event.from_status else "",
                event.get_to_status_display() if event.to_status else "",
            )
        )
    before, after = data.get("before"), data.get("after")
    if isinstance(before, str) or isinstance(after, str):
        changes.append((_("Text"), str(before or ""), str(after or "")))
    elif isinstance(before, dict) or isinstance(after, dict):
        before, after = before or {}, after or {}
        for name in dict.fromkeys([*before, *after]):
            changes.append((name, str(before.get(name, "")), str(after.get(name, ""))))
    if "from" in data or "to" in data:
        changes.append((_("Deadline"), str(data.get("from", "")), str(data.get("to", ""))))
    shown = {"move", "before", "after", "from", "to"}
    changes += [(name, "", str(value)) for name, value in data.items() if name not in shown]
    return changes


@require_safe
@login_required
def audit(request: HttpRequest, slug: str) -> HttpResponse:
    """The city's audit trail, newest first, by person and by appeal: for the city's
    administrators and the platform's; a 404 for everyone else."""
    city = console_city_for(request.user, slug)
    if not may(request.user, Action.READ_AUDIT, city):
        raise Http404
    form = AuditForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.AuditFilters(
        actor_email=(data.get("actor") or "").strip() or None,
        number=(data.get("number") or "").strip() or None,
    )
    # One more than a page: whether there is an older page.
    page = selectors.AUDIT_PAGE
    events = selectors.audit_trail(city, filters, before_id=data.get("before"), limit=page + 1)
    more = None
    if len(events) > page:
        events = events[:page]
        query = request.GET.copy()
        query["before"] = str(events[-1].pk)
        more = query.urlencode()
    context = {
        "city": city,
        "desks": desks_of(request.user),
        "can_read_audit": True,
        # A city administrator who handles no appeals has no queue to go back to.
        "no_queue": selectors.handled_in(request.user, city) is None,
        "form": form,
        "filters": filters,
        "rows": [(event, _changes(event)) for event in events],
        "more": more,
        "setup_changes": [(change, change_name(change.action)) for change in setup_changes(city)],
    }
    return render(request, "console/audit.html", context)


# --- the demo: one click per role ---------------------------------------------------

DEMO_LOGINS = (
    "dispatcher",
    "executor",
    "moderator",
    "intake",
    "head",
    "deputy",
    "privacy",
    "editor",
    "cityadmin",
    "resident",
    # Read-only observers of the analytics (mycity.analytics): figures, no appeals.
    "mayor",
    "oblast",
    "ministry",
)
ANALYTICS_LOGINS = frozenset({"mayor", "oblast", "ministry"})


@require_http_methods(["GET", "POST"])
def demo_sign_in(request: HttpRequest) -> HttpResponse:
    """Only in the demo (MYCITY_DEMO_SIGNIN, on with DEBUG): sign in as a demo role."""
    if not settings.MYCITY_DEMO_SIGNIN:
        raise Http404
    from mycity.demo.loader import DEMO_DOMAIN

    people = {
        login: User.objects.filter(email=f"{login}@{DEMO_DOMAIN}").first() for login in DEMO_LOGINS
    }
    if request.method == "POST":
        user = people.get(request.POST.get("as", ""))
        if user is None:
            return render(request, "console/demo.html", {"people": people}, status=400)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if request.POST.get("as") == "resident":
            return redirect("/")
        if request.POST.get("as") in ANALYTICS_LOGINS:
            return redirect(reverse("analytics:home"))
        return redirect(reverse("console:home"))
    return render(request, "console/demo.html", {"people": people})
