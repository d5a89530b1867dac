from django.urls import path

from . import views

app_name = "facilities"
urlpatterns = [
    path("", views.facility_list, name="list"),
    path("import/", views.facility_import, name="import"),
    path("<int:pk>/", views.facility_detail, name="detail"),
    path("<int:pk>/propose/", views.propose, name="propose"),
    path("new/", views.propose_new, name="new"),
    path("provider/", views.provider, name="provider"),
    path("changes/", views.change_queue, name="changes"),
    path("changes/<int:pk>/", views.change_detail, name="change"),
]
