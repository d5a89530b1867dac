"""Record history pages, mounted at /history/: /history/<app_label>/<model_name>/<pk>/."""

from django.urls import path

from . import views

app_name = "history"
urlpatterns = [
    path("<slug:app_label>/<slug:model_name>/<int:pk>/", views.record_history, name="record"),
]
