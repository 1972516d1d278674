from django.urls import path, register_converter

from mycity.content import (
    event_views,
    news_views,
    place_views,
    poll_views,
    search_views,
    views,
)


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
    path("<slug:slug>/places/", place_views.places, name="places"),
    path("<slug:slug>/places/<int:place_id>/", place_views.place, name="place"),
    path(
        "<slug:slug>/places/<int:place_id>/photo.jpg", place_views.place_photo, name="place_photo"
    ),
    path("<slug:slug>/contacts/", place_views.contacts, name="contacts"),
    path("<slug:slug>/events/", event_views.events, name="events"),
    path("<slug:slug>/events.ics", event_views.events_ics, name="events_ics"),
    path("<slug:slug>/events/<int:event_id>/", event_views.event, name="event"),
    path("<slug:slug>/events/<int:event_id>.ics", event_views.event_ics, name="event_ics"),
    path(
        "<slug:slug>/events/<int:event_id>/image.jpg", event_views.event_image, name="event_image"
    ),
    path("<slug:slug>/search/", search_views.search_page, name="search"),
    path("<slug:slug>/polls/", poll_views.polls, name="polls"),
    path("<slug:slug>/polls/<int:poll_id>/", poll_views.poll, name="poll"),
    path("<slug:slug>/polls/<int:poll_id>/results.csv", poll_views.poll_csv, name="poll_csv"),
]
