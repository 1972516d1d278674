"""Parity of the web and the API (issue 20): whatever a person can change through a page,
a program can change through /api/v1.

The test walks the web's URL map with Django's resolver and reads each view's allowed
methods from its `require_http_methods` decorator (`require_POST`, `require_safe` ...) or
its class. A route whose methods cannot be read fails the test: every view declares
them. Every route that takes POST, PUT, PATCH or DELETE must name its API operations in
`API_OPERATIONS` (ids from the OpenAPI document), or be listed with a written reason in
`EXCEPTIONS` (nothing to do through an API), `NOT_YET_IN_API` (a known gap) or
`PENDING_ON_OTHER_BRANCH` (being built elsewhere). So a new state-changing page without
either fails here.
"""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from mycity.api import api

CHANGING = {"POST", "PUT", "PATCH", "DELETE"}

# Whole parts of the URL map that are no pages of ours, each with its reason.
SKIPPED_NAMESPACES = {
    "api-v1": "The API itself.",
    "admin": "The Django admin: a back door for platform operators' data fixes, not the "
    "staff UI (DESIGN.md); it is never a capability the API owes.",
    "open311": "Open311 GeoReport v2 is an API of its own, with its own specification "
    "(docs/open311.md).",
}
SKIPPED_MODULES = {
    "allauth.": "Sign-in, sign-up, passwords, e-mail confirmation and second factors are "
    "django-allauth's pages: a program authenticates with a personal access token "
    "(docs/api.md), made on /my/tokens/ or through /api/v1/me/tokens.",
    "django.views.generic.base": "allauth's redirects of switched-off social sign-in pages.",
}

# The operations (operationId in docs/openapi.json) that do what a page does.
API_OPERATIONS: dict[str, tuple[str, ...]] = {
    # Resident pages.
    "web:settings": ("mycity_accounts_api_change_my_settings",),
    "web:subscriptions": (
        "mycity_content_subscription_api_save_my_subscriptions",
        "mycity_accounts_api_set_my_quiet_hours",
    ),
    "web:report_alerts": ("mycity_appeals_alert_api_follow",),
    "web:follow_report": ("mycity_appeals_alert_api_follow",),
    "web:stop_report_alert": ("mycity_appeals_alert_api_stop_report_alert",),
    "web:reception:book": ("mycity_reception_api_book_reception",),
    "web:reception:cancel": ("mycity_reception_api_cancel_reception_appointment",),
    "content:poll": ("mycity_content_poll_api_vote_in_poll",),
    "web:privacy:my_data": ("mycity_privacy_api_file_data_request",),
    "web:privacy:download": ("mycity_privacy_api_copy_of_my_data",),
    "web:answer_invitation": (
        "mycity_console_staff_api_accept_invitation",
        "mycity_console_staff_api_decline_invitation",
    ),
    # The city administrator's reception schedules.
    "console:reception_add_official": ("mycity_console_reception_api_add_official",),
    "console:reception_new_rule": (
        "mycity_console_reception_api_preview_rule",
        "mycity_console_reception_api_add_rule",
    ),
    "console:reception_rule": ("mycity_console_reception_api_change_rule",),
    "console:reception_retire_rule": ("mycity_console_reception_api_retire_rule",),
    "console:reception_exception": ("mycity_console_reception_api_add_exception",),
    "console:reception_remove_exception": ("mycity_console_reception_api_remove_exception",),
    "console:reception_reminder": ("mycity_console_reception_api_set_reminder",),
    # City set-up: the catalogue of categories, the organisations and their areas.
    "console:new_category": ("mycity_console_catalogue_api_create_category",),
    "console:category": ("mycity_console_catalogue_api_update_category",),
    "console:new_organisation": (
        "mycity_console_organisation_api_check_coverage",
        "mycity_console_organisation_api_create_organisation",
    ),
    "console:organisation": (
        "mycity_console_organisation_api_check_coverage",
        "mycity_console_organisation_api_update_organisation",
    ),
    # Connections to organisations' own systems: webhooks and Open311 out.
    "console:webhooks": ("mycity_console_webhook_api_register_endpoint",),
    "console:webhook": ("mycity_console_webhook_api_update_endpoint",),
    "console:webhook_act": (
        "mycity_console_webhook_api_pause_endpoint",
        "mycity_console_webhook_api_resume_endpoint",
        "mycity_console_webhook_api_rotate_secret",
        "mycity_console_webhook_api_ping_endpoint",
        "mycity_console_webhook_api_delete_endpoint",
    ),
    "console:open311_link": (
        "mycity_appeals_open311_api_save_link",
        "mycity_appeals_open311_api_remove_link",
    ),
    "web:report": ("mycity_appeals_api_submit",),
    "web:e_appeal": ("mycity_appeals_api_submit",),
    "web:me_too": ("mycity_appeals_api_me_too",),
    "web:my_appeal": (
        "mycity_appeals_api_rate",
        "mycity_appeals_api_disagree",
        "mycity_appeals_api_add_information",
        "mycity_appeals_api_withdraw",
    ),
    "web:api_tokens": ("mycity_appeals_token_api_make_token",),
    "web:revoke_api_token": ("mycity_appeals_token_api_revoke_token",),
    # The appeal card: every action of its form.
    "console:act": (
        "mycity_appeals_api_make_move",
        "mycity_appeals_api_answer",
        "mycity_appeals_api_extend",
        "mycity_appeals_api_redact",
        "mycity_appeals_api_hide_photo",
        "mycity_appeals_api_blur_photo",
        "mycity_appeals_api_ask_for_information",
        "mycity_appeals_law_api_mark_repeat",
        "mycity_appeals_law_api_stop_correspondence",
        "mycity_appeals_law_api_prolong",
        "mycity_appeals_law_api_post_letter",
    ),
    "console:bulk": ("mycity_console_desk_api_bulk",),
    "console:answer_templates": ("mycity_console_desk_api_create_answer_template",),
    "console:answer_template": (
        "mycity_console_desk_api_change_answer_template",
        "mycity_console_desk_api_delete_answer_template",
    ),
    "console:preferences": ("mycity_console_desk_api_set_my_preferences",),
    # Control and sub-tasks.
    "console:control:set": ("mycity_control_api_put_on_control",),
    "console:control:lift": ("mycity_control_api_lift_control",),
    "console:control:open_subtask": ("mycity_control_api_open_subtask",),
    "console:control:complete_subtask": ("mycity_control_api_complete_subtask",),
    "console:control:report_subtask": ("mycity_control_api_report_subtask",),
    # Intake and letters.
    "console:intake": ("mycity_appeals_intake_api_register",),
    "console:letters": ("mycity_appeals_law_api_post_letter",),
    # Notices and news.
    "console:new_notice": ("mycity_content_api_create_notice",),
    "console:notice": (
        "mycity_content_api_change_notice",
        "mycity_content_api_publish_notice",
    ),
    "console:withdraw_notice": ("mycity_content_api_withdraw_notice",),
    "console:new_news": (
        "mycity_content_news_api_create_news",
        "mycity_content_news_api_publish_news",
    ),
    # People and roles, and the working-day calendar.
    "console:people": ("mycity_console_staff_api_invite",),
    "console:person": ("mycity_console_staff_api_grant",),
    "console:withdraw_role": ("mycity_console_staff_api_withdraw",),
    "console:release": ("mycity_console_staff_api_release",),
    "console:city_calendar": ("mycity_cities_api_put_calendar_day",),
    # The city's own setup: settings, terms, the notice's operator, copying, going live.
    "console:city_settings": ("mycity_console_city_setup_api_change_settings",),
    "console:city_terms": ("mycity_console_city_setup_api_change_terms",),
    "console:operator_notice": ("mycity_console_city_setup_api_change_operator_details",),
    "console:copy_setup": (
        "mycity_console_city_setup_api_import_setup",
        "mycity_console_city_setup_api_copy_from_city",
    ),
    "console:go_live": ("mycity_console_city_setup_api_go_live",),
    "console:clear_calendar_day": ("mycity_cities_api_delete_calendar_day",),
    # City set-up: districts and the address registry.
    "console:new_district": ("mycity_console_district_api_create_district",),
    "console:district": ("mycity_console_district_api_change_district",),
    "console:districts": ("mycity_console_district_api_import_districts_file",),
    "console:addresses": ("mycity_console_address_api_import_registry_file",),
    "console:settle_address": ("mycity_console_address_api_settle_address",),
}

# Pages that change something no program needs to change through the API.
EXCEPTIONS: dict[str, str] = {
    "web:set_language": "The browser's language for the pages; the API follows each "
    "request's Accept-Language.",
    "web:city_chooser": "Remembers the chosen city in the browser; a program names the "
    "city in each path.",
    "console:demo": "Signs in as a demo persona on the demo deployment only.",
    "console:save_view": "Keeps the queue page's filters under a name; a program keeps its "
    "own queries to GET /cities/{slug}/appeals.",
    "console:delete_view": "The same saved filters of the queue page.",
    "web:unsubscribe": "The one-click unsubscribe link of an e-mail, signed for that "
    "message; a signed-in program manages subscriptions instead.",
}

# Known gaps: pages whose capability the API does not offer yet. Each is a reason to
# build an endpoint, not a reason it is not needed.
NOT_YET_IN_API: dict[str, str] = {
    "console:news_item": "Editing and archiving a news item: the API creates, reads and "
    "publishes news only.",
    "console:collective": "One publication answering many appeals (art. 25¹): the API "
    "leaves an appeal on the ground `published` but cannot publish the answer.",
    "console:new_content_item": "The content editor (places, events, contacts).",
    "console:content_item": "The content editor (places, events, contacts).",
    "console:privacy:new_incident": "The personal-data officer's register of incidents.",
    "console:privacy:incident": "The personal-data officer's register of incidents.",
    "console:privacy:request": "The personal-data officer handling a resident's request.",
    "console:reception:add_official": "Reception schedules in the console: officials.",
    "console:reception:retire_official": "Reception schedules in the console: officials.",
    "console:reception:add_rule": "Reception schedules in the console: rules.",
    "console:reception:retire_rule": "Reception schedules in the console: rules.",
    "console:reception:generate": "Reception schedules in the console: sessions.",
    "console:reception:session": "Reception schedules in the console: a session.",
    "console:reception:record": "The record of a personal reception (an appeal registered "
    "at it goes through POST /cities/{slug}/intake with channel `reception`).",
}

# Pages that are no longer pending on another branch would go here while branches meet;
# every resident page now has its operations (above).
PENDING_ON_OTHER_BRANCH: dict[str, str] = {}

LISTS = {
    "API_OPERATIONS": API_OPERATIONS,
    "EXCEPTIONS": EXCEPTIONS,
    "NOT_YET_IN_API": NOT_YET_IN_API,
    "PENDING_ON_OTHER_BRANCH": PENDING_ON_OTHER_BRANCH,
}


def _routes(
    patterns: list[Any], prefix: str = "", namespace: str | None = None
) -> Iterator[tuple[str, str, Callable[..., Any], str | None]]:
    """(route, name, view, namespace) of every URL pattern, included ones too."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name or "", pattern.callback, namespace


def allowed_methods(view: Callable[..., Any]) -> set[str] | None:
    """The HTTP methods a view takes: from its class, or from Django's
    `require_http_methods` (which `require_POST`, `require_GET` and `require_safe` are)
    anywhere in its chain of decorators; None when it does not say."""
    seen: set[int] = set()
    current: Any = view
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        view_class = getattr(current, "view_class", None)
        if view_class is not None:
            return {
                method.upper()
                for method in view_class.http_method_names
                if hasattr(view_class, method)
            }
        code = getattr(current, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = current.__closure__[code.co_freevars.index("request_method_list")]
            return {method.upper() for method in cell.cell_contents}
        current = getattr(current, "__wrapped__", None)
    return None


def _skipped(namespace: str | None, view: Callable[..., Any]) -> bool:
    top = (namespace or "").split(":")[0]
    module = getattr(view, "__module__", "") or ""
    return top in SKIPPED_NAMESPACES or any(module.startswith(m) for m in SKIPPED_MODULES)


def _pages() -> list[tuple[str, str, set[str] | None]]:
    return [
        (route, name, allowed_methods(view))
        for route, name, view, namespace in _routes(get_resolver().url_patterns)
        if not _skipped(namespace, view)
    ]


def _changing_pages() -> dict[str, str]:
    return {name: route for route, name, methods in _pages() if methods and methods & CHANGING}


def _operation_ids() -> set[str]:
    document = api.get_openapi_schema()
    return {
        operation["operationId"]
        for operations in document["paths"].values()
        for operation in operations.values()
    }


def test_every_view_says_which_methods_it_takes():
    unknown = [f"{name or '(unnamed)'} {route}" for route, name, methods in _pages() if not methods]
    assert unknown == [], (
        "Declare the methods of these views (require_GET / require_safe / require_POST / "
        "require_http_methods) so that the parity test can tell whether they change state"
    )


def test_every_state_changing_page_has_an_api_operation_or_a_reason():
    listed = set().union(*(set(entries) for entries in LISTS.values()))
    missing = {
        name or route: route for name, route in _changing_pages().items() if name not in listed
    }
    assert missing == {}, (
        "A page that changes state needs an API operation (API_OPERATIONS) or a written "
        "reason (EXCEPTIONS, NOT_YET_IN_API, PENDING_ON_OTHER_BRANCH)"
    )


def test_every_changing_page_is_named():
    # An unnamed route could not be listed; name it.
    assert "" not in _changing_pages()


def test_the_named_operations_exist_in_the_document():
    known = _operation_ids()
    unknown = {
        name: [op for op in operations if op not in known]
        for name, operations in API_OPERATIONS.items()
        if any(op not in known for op in operations)
    }
    assert unknown == {}


def test_the_lists_name_only_state_changing_pages_each_once():
    changing = set(_changing_pages())
    for title, entries in LISTS.items():
        stale = sorted(set(entries) - changing)
        assert stale == [], f"{title} names pages that are gone or change nothing: {stale}"
    names = [name for entries in LISTS.values() for name in entries]
    assert len(names) == len(set(names)), "a page is in two lists"


@pytest.mark.parametrize("title", ["EXCEPTIONS", "NOT_YET_IN_API", "PENDING_ON_OTHER_BRANCH"])
def test_every_exception_has_a_written_reason(title):
    entries = LISTS[title]
    assert all(isinstance(reason, str) and len(reason.split()) >= 3 for reason in entries.values())


def test_a_new_state_changing_page_without_an_operation_fails(settings):
    """The check itself: a page added to the URL map that takes POST is caught."""
    from django.http import HttpResponse
    from django.urls import clear_url_caches, path
    from django.views.decorators.http import require_POST

    @require_POST
    def unlisted(request: Any) -> HttpResponse:
        return HttpResponse()

    module = type("urls", (), {})()
    from mycity import urls as real

    module.urlpatterns = [path("unlisted-page/", unlisted, name="unlisted"), *real.urlpatterns]
    settings.ROOT_URLCONF = module
    clear_url_caches()
    try:
        assert _changing_pages().get("unlisted") == "unlisted-page/"
        with pytest.raises(AssertionError):
            test_every_state_changing_page_has_an_api_operation_or_a_reason()
    finally:
        clear_url_caches()
