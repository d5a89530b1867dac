"""The stakeholder register, mounted at /stakeholders/."""

from django.urls import path

from . import views

app_name = "stakeholders"
urlpatterns = [
    path("", views.follow_ups, name="index"),
    path("actors/<int:actor_pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("actors/<int:actor_pk>/interactions/", views.actor_interactions, name="actor_interactions"),
    path("actors/<int:actor_pk>/interactions/new/", views.interaction_create, name="interaction_create"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/gdpr/export/", views.gdpr_export, name="gdpr_export"),
    path("contacts/<int:pk>/gdpr/erase/", views.gdpr_erase, name="gdpr_erase"),
    path("interactions/<int:pk>/", views.interaction_detail, name="interaction"),
    path("interactions/<int:pk>/edit/", views.interaction_edit, name="interaction_edit"),
    path("interactions/<int:pk>/follow-up-done/", views.follow_up_done, name="follow_up_done"),
    path("dossiers/", views.dossier_list, name="dossiers"),
    path("dossiers/new/", views.dossier_create, name="dossier_create"),
    path("dossiers/<int:pk>/", views.dossier_detail, name="dossier"),
    path("dossiers/<int:pk>/edit/", views.dossier_edit, name="dossier_edit"),
]
