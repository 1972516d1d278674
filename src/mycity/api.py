"""The open API, version 1: wires each domain's router and the shared error handling."""

from mycity.accounts.api import router as settings_router
from mycity.analytics.api import router as analytics_router
from mycity.appeals.alert_api import router as alerts_router
from mycity.appeals.api import RESIDENT
from mycity.appeals.api import router as appeals_router
from mycity.appeals.intake_api import router as intake_router
from mycity.appeals.law_api import router as law_router
from mycity.appeals.open311_api import router as open311_out_router
from mycity.appeals.token_api import router as tokens_router
from mycity.cities.api import router as cities_router
from mycity.console.address_api import router as address_setup_router
from mycity.console.catalogue_api import router as catalogue_router
from mycity.console.city_setup_api import router as city_setup_router
from mycity.console.desk_api import router as desk_router
from mycity.console.district_api import router as district_setup_router
from mycity.console.organisation_api import router as setup_organisations_router
from mycity.console.reception_api import router as reception_schedules_router
from mycity.console.setup_api import router as setup_router
from mycity.console.staff_api import me_router as my_invitations_router
from mycity.console.staff_api import router as staff_router
from mycity.console.webhook_api import router as webhooks_router
from mycity.content.api import router as content_router
from mycity.content.listing_api import router as listing_router
from mycity.content.news_api import router as news_router
from mycity.content.poll_api import router as polls_router
from mycity.content.subscription_api import router as subscriptions_router
from mycity.control.api import router as control_router
from mycity.core.api_contract import ContractAPI
from mycity.core.api_errors import install_error_handlers
from mycity.core.api_formats import ObjectBodyParser
from mycity.notify.api import router as notify_router
from mycity.notify.push_api import router as push_router
from mycity.privacy.api import router as privacy_router
from mycity.reception.api import router as reception_router
from mycity.reports.api import router as reports_router

# The document's version: the major is the path's (/api/v1), which stays compatible; the
# minor grows with each compatible addition (docs/api.md keeps the changelog).
API_VERSION = "1.4.0"

api = ContractAPI(
    title="mycity API",
    version=API_VERSION,
    description="The open API of «Мой город» (mycity): cities, organisations, addresses, "
    "categories, appeals and public reports, news, notices of outages and works, events, "
    "places, contacts and polls.",
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
    parser=ObjectBodyParser(),
)
install_error_handlers(api)
api.add_router("/cities", cities_router)
api.add_router("", appeals_router)
api.add_router("/cities", content_router)
api.add_router("/cities", news_router)
api.add_router("/cities", listing_router)
# Every /me/… endpoint takes a personal access token as well as the browser session.
api.add_router("/me/notifications", notify_router, auth=RESIDENT)
api.add_router("/me/push-subscriptions", push_router, auth=RESIDENT)
api.add_router("/me/tokens", tokens_router)
api.add_router("/me", settings_router, auth=RESIDENT)
api.add_router("/me/subscriptions", subscriptions_router, auth=RESIDENT)
api.add_router("/me/report-alerts", alerts_router, auth=RESIDENT)
api.add_router("/me", privacy_router, auth=RESIDENT)
api.add_router("/me/invitations", my_invitations_router)
api.add_router("/cities", reception_router)
api.add_router("/cities", polls_router)
api.add_router("/cities", reports_router)
api.add_router("/analytics", analytics_router)
api.add_router("/cities", staff_router)
api.add_router("/cities", reception_schedules_router)
# The staff side of the console's work: control, intake, the law's actions, the desk.
api.add_router("", control_router)
api.add_router("", intake_router)
api.add_router("", law_router)
api.add_router("", desk_router)
api.add_router("/cities", webhooks_router)
api.add_router("/cities", open311_out_router)
api.add_router("/cities", setup_router)
# The city's own setup: settings, terms, the notice's operator, copying, going live.
api.add_router("/cities", city_setup_router)
api.add_router("/cities", district_setup_router)
api.add_router("/cities", address_setup_router)
# The catalogue and the organisations with their service areas, as the console sets them up.
api.add_router("/cities", catalogue_router)
api.add_router("/cities", setup_organisations_router)
