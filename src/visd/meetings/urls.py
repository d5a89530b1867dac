from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("events/<int:event_id>/", views.detail, name="detail"),
    path("events/<int:event_id>/open/", views.open_matchmaking, name="open"),
    path("events/<int:event_id>/settings/", views.edit_matchmaking, name="edit"),
    path("events/<int:event_id>/join/", views.join, name="join"),
    path("events/<int:event_id>/participants/add/", views.add_participant, name="add_participant"),
    path("events/<int:event_id>/organiser-meeting/", views.organiser_meeting, name="organiser_meeting"),
    path("events/<int:event_id>/schedule/", views.schedule, name="schedule"),
    path("events/<int:event_id>/publish/", views.publish, name="publish"),
    path("events/<int:event_id>/tables/", views.table_plan, name="tables"),
    path("events/<int:event_id>/day/", views.day, name="day"),
    path("participants/<int:pk>/", views.participant_detail, name="participant"),
    path("participants/<int:pk>/profile/", views.profile, name="profile"),
    path("participants/<int:pk>/request/", views.request_meeting, name="request"),
    path("participants/<int:pk>/agenda/", views.agenda, name="agenda"),
    path("participants/<int:pk>/agenda.pdf", views.agenda_pdf, name="agenda_pdf"),
    path("participants/<int:pk>/agenda.ics", views.agenda_ics, name="agenda_ics"),
    path("requests/<int:pk>/answer/", views.answer, name="answer"),
    path("requests/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("meetings/<int:pk>/check-in/", views.check_in, name="check_in"),
    path("meetings/<int:pk>/outcome/", views.outcome, name="outcome"),
]
