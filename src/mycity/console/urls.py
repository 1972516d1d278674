from django.urls import include, path

from mycity.console import (
    collective_views,
    content_views,
    intake_views,
    letters_views,
    news_views,
    notice_views,
    people_views,
    staff_views,
    views,
)

app_name = "console"

urlpatterns = [
    path("", views.home, name="home"),
    path("demo/", views.demo_sign_in, name="demo"),
    path("notifications/", staff_views.notifications, name="notifications"),
    path("preferences/", staff_views.preferences, name="preferences"),
    path("<slug:slug>/templates/", staff_views.answer_templates, name="answer_templates"),
    path(
        "<slug:slug>/templates/<int:template_id>/",
        staff_views.answer_template,
        name="answer_template",
    ),
    path(
        "<slug:slug>/appeals/<int:appeal_id>/answer-text",
        staff_views.filled_answer,
        name="filled_answer",
    ),
    path("<slug:slug>/bulk", staff_views.bulk, name="bulk"),
    path("<slug:slug>/views/", staff_views.save_view, name="save_view"),
    path("<slug:slug>/views/<int:view_id>/delete", staff_views.delete_view, name="delete_view"),
    path("<slug:slug>/notices/", notice_views.notices, name="notices"),
    path("<slug:slug>/notices/new", notice_views.notice, name="new_notice"),
    path("<slug:slug>/notices/<int:notice_id>/", notice_views.notice, name="notice"),
    path(
        "<slug:slug>/notices/<int:notice_id>/withdraw",
        notice_views.withdraw,
        name="withdraw_notice",
    ),
    path("<slug:slug>/news/", news_views.news_list, name="news"),
    path("<slug:slug>/news/new", news_views.news_item, name="new_news"),
    path("<slug:slug>/news/<int:news_id>/", news_views.news_item, name="news_item"),
    path("<slug:slug>/city/<str:kind>/", content_views.items, name="content_items"),
    path("<slug:slug>/city/<str:kind>/new", content_views.item, name="new_content_item"),
    path(
        "<slug:slug>/city/<str:kind>/<int:item_id>/",
        content_views.item,
        name="content_item",
    ),
    path("<slug:slug>/people/", people_views.people, name="people"),
    path("<slug:slug>/people/<int:user_id>/", people_views.person, name="person"),
    path(
        "<slug:slug>/people/<int:user_id>/roles/<int:role_id>/withdraw",
        people_views.withdraw,
        name="withdraw_role",
    ),
    path("<slug:slug>/people/<int:user_id>/release", people_views.release, name="release"),
    path("<slug:slug>/intake/", intake_views.intake, name="intake"),
    path("<slug:slug>/letters/", letters_views.letters, name="letters"),
    path("<slug:slug>/collective/", collective_views.collective, name="collective"),
    path("<slug:slug>/thanks/", collective_views.thanks, name="thanks"),
    path("<slug:slug>/reception/", include("mycity.reception.console_urls")),
    path("<slug:slug>/control/", include("mycity.control.urls")),
    path("<slug:slug>/privacy/", include("mycity.privacy.console_urls")),
    path("<slug:slug>/reports/", include("mycity.reports.urls")),
    path("<slug:slug>/", views.queue, name="queue"),
    path("<slug:slug>/audit/", views.audit, name="audit"),
    path("<slug:slug>/appeals/<int:appeal_id>/", views.card, name="card"),
    path("<slug:slug>/appeals/<int:appeal_id>/act", views.act, name="act"),
]
