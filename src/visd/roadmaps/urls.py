from django.urls import path

from . import views

app_name = "roadmaps"
urlpatterns = [
    path("", views.roadmap_index, name="index"),
    path("new/", views.roadmap_start, name="start"),
    path("cross-domain/", views.cross_domain, name="cross_domain"),
    path("<int:pk>/", views.roadmap_detail, name="detail"),
    path("<int:pk>/edit/", views.roadmap_edit, name="edit"),
    path("<int:pk>/publish/", views.roadmap_publish, name="publish"),
    path("<int:pk>/items/", views.item_add, name="item_add"),
    path("<int:pk>/items/<int:item_pk>/remove/", views.item_remove, name="item_remove"),
    path("<int:pk>/items.csv", views.roadmap_csv, name="csv"),
    path("<int:pk>/timeline.svg", views.roadmap_svg, name="svg"),
]
