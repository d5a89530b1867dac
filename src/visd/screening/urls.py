from django.urls import path

from . import views

app_name = "screening"
urlpatterns = [
    path("", views.index, name="index"),
    path("esac/", views.esac_screening, name="esac"),
    path("export/", views.export_screening, name="export"),
    path("<int:pk>/", views.screening_detail, name="detail"),
    path("countries/", views.country_list, name="countries"),
    path("countries/<str:code>/", views.country_detail, name="country"),
]
