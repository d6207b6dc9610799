from django.urls import path

from . import moderation, views

app_name = "registration"

KIND = "<slug:kind>/<int:pk>"

urlpatterns = [
    path("", views.entry_start, name="start"),
    path("mine/", views.my_entries, name="my-entries"),
    path("organisations.json", views.organisation_search, name="organisation-search"),
    path("logos/<int:pk>/", views.logo_file, name="logo"),
    path("moderation/", moderation.moderation_queue, name="moderation"),
    path("moderation/revisions/<int:pk>/", moderation.review_revision, name="review-revision"),
    path(f"moderation/{KIND}/", moderation.review_record, name="review"),
    path("new/<slug:kind>/", views.entry_create, name="create"),
    path(f"{KIND}/submit/", views.entry_submit, name="submit"),
    path(f"{KIND}/archive/", views.entry_archive, name="archive"),
    path(f"{KIND}/invite/", views.entry_invite, name="invite"),
    path(f"{KIND}/history/", views.entry_history, name="history"),
    path(f"{KIND}/history/<int:event_id>/restore/", views.entry_restore, name="restore"),
    path(f"{KIND}/<slug:step>/", views.entry_step, name="step"),
]
