"""Calls live under /calls/ and instruments under /instruments/; both belong to the funding app,
so the root URLconf includes this file once, without a prefix."""

from django.urls import path

from . import views

app_name = "funding"
urlpatterns = [
    path("calls/", views.call_list, name="call_list"),
    path("calls/<str:topic_id>/", views.call_detail, name="call_detail"),
    path("instruments/", views.instrument_list, name="instrument_list"),
    path("instruments/<slug:code>/", views.instrument_detail, name="instrument_detail"),
]
