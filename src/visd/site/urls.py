from django.urls import path

from . import views

app_name = "site"
urlpatterns = [
    path("", views.public_home, name="home"),
    path("instruments/", views.instruments, name="instruments"),
    path("events/", views.calendar, name="events"),
    path("events/<int:pk>/register/", views.register, name="register"),
    path("domains/<slug:code>/", views.domain_detail, name="domain"),
    path("pages/", views.page_admin, name="page_admin"),
    path("pages/<slug:slug>/edit/", views.page_edit, name="page_edit"),
    path("<slug:slug>/", views.page, name="page"),
]
