from django.urls import path, register_converter

from mycity.content import views


class FeedFormat:
    regex = "rss|atom"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FeedFormat, "feed")

app_name = "content"
urlpatterns = [
    path("<slug:slug>/notices/", views.notices, name="notices"),
    path("<slug:slug>/notices/<int:notice_id>/", views.notice, name="notice"),
    path("<slug:slug>/notices.<feed:fmt>", views.feed, name="notices_feed"),
]
