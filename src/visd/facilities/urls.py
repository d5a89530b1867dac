from django.urls import path

from . import views

app_name = "facilities"
urlpatterns = [
    path("", views.facility_list, name="list"),
    path("import/", views.facility_import, name="import"),
    path("<int:pk>/", views.facility_detail, name="detail"),
]
