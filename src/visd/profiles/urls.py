from django.urls import path

from . import views

app_name = "profiles"
urlpatterns = [
    path("<int:actor_pk>/", views.profile_edit, name="edit"),
    path("<int:actor_pk>/<str:kind>/new/", views.entry_edit, name="entry-new"),
    path("<int:actor_pk>/<str:kind>/<int:pk>/", views.entry_edit, name="entry-edit"),
    path("<int:actor_pk>/<str:kind>/<int:pk>/delete/", views.entry_delete, name="entry-delete"),
]
