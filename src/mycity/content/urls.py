from django.urls import path, register_converter

from mycity.content import news_views, views


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
    path("<slug:slug>/news/", news_views.news_list, name="news"),
    path("<slug:slug>/news/<int:news_id>/", news_views.news_detail, name="news_detail"),
    path("<slug:slug>/news/<int:news_id>/cover.jpg", news_views.cover, name="news_cover"),
    path("<slug:slug>/news.<feed:fmt>", news_views.feed, name="news_feed"),
]
