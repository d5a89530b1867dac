from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.event_create, name="create"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/edit/", views.event_edit, name="edit"),
    path("<int:pk>/registrations/", views.registration_add, name="registration_add"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/survey/", views.survey_add, name="survey_add"),
    path("registrations/<int:pk>/", views.registration_detail, name="registration"),
    path("registrations/<int:pk>/erase/", views.registration_erase, name="registration_erase"),
]
