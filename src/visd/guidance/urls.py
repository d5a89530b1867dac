from django.urls import path

from . import views

app_name = "guidance"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("navigator/", views.navigator_page, name="navigator"),
    path("instruments/<slug:code>/", views.instrument, name="instrument"),
]
