from django.urls import path

from . import views

app_name = "actors"
urlpatterns = [
    path("", views.actor_list, name="list"),
    path("<int:pk>/", views.actor_detail, name="detail"),
    path("<int:pk>/merge/", views.actor_merge, name="merge"),
]
