from django.urls import path

from . import views

app_name = "sources"
urlpatterns = [
    path("", views.document_list, name="list"),
    path("<slug:slug>/", views.document, name="document"),
]
