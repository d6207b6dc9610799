from django.urls import path

from . import pool_views as views

app_name = "pool"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/proposals/", views.proposal_submit, name="proposal_submit"),
    path("meetings/<int:pk>/documents/", views.document_send, name="document_send"),
    path("meetings/<int:pk>/work-plan/", views.work_plan_draft, name="work_plan_draft"),
    path("meetings/<int:pk>/decisions/", views.decision_propose, name="decision_propose"),
    path("meetings/<int:pk>/positions/", views.position_record, name="position_record"),
    path("meetings/<int:pk>/decisions/<int:decision_pk>/adopt/", views.decision_adopt, name="decision_adopt"),
    path("meetings/<int:pk>/close/", views.meeting_close, name="meeting_close"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
]
