from django.urls import path

from . import views

app_name = "profiles"
urlpatterns = [
    path("review/", views.review_queue, name="review"),
    path("review/<str:kind>/<int:pk>/", views.review_decide, name="review-decide"),
    path("<int:actor_pk>/trusted/", views.mark_trusted, name="trusted"),
    path("<int:actor_pk>/", views.profile_edit, name="edit"),
    path("<int:actor_pk>/<str:kind>/new/", views.entry_edit, name="entry-new"),
    path("<int:actor_pk>/<str:kind>/<int:pk>/", views.entry_edit, name="entry-edit"),
    path("<int:actor_pk>/<str:kind>/<int:pk>/delete/", views.entry_delete, name="entry-delete"),
]
