from django.urls import path

from . import views, visd_views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("<int:pk>/", views.project_detail, name="detail"),
    # VISD's own projects: the central project database (visd_views.py).
    path("visd/", visd_views.visd_list, name="visd_list"),
    path("visd/flagships/", visd_views.visd_list, {"flagships": True}, name="visd_flagships"),
    path("visd/fris/", visd_views.visd_fris_due, name="visd_fris_due"),
    path("visd/new/", visd_views.visd_create, name="visd_create"),
    path("visd/<int:pk>/", visd_views.visd_detail, name="visd_detail"),
    path("visd/<int:pk>/edit/", visd_views.visd_edit, name="visd_edit"),
    path("visd/<int:pk>/status/", visd_views.visd_status, name="visd_status"),
    path("visd/<int:pk>/partners/", visd_views.visd_partner_add, name="visd_partner_add"),
    path("visd/<int:pk>/partners/<int:partner_pk>/remove/", visd_views.visd_partner_remove,
         name="visd_partner_remove"),
    path("visd/<int:pk>/results/", visd_views.visd_result_add, name="visd_result_add"),
    path("visd/<int:pk>/fris.json", visd_views.visd_fris_record, name="visd_fris"),
]
