from django.urls import path

from . import views

app_name = "consortia"
urlpatterns = [
    path("", views.consortium_list, name="list"),
    path("new/", views.consortium_create, name="create"),
    path("<int:pk>/", views.consortium_detail, name="detail"),
    path("<int:pk>/edit/", views.consortium_edit, name="edit"),
    path("<int:pk>/members/", views.member_add, name="member_add"),
    path("<int:pk>/members/<int:member_pk>/", views.member_edit, name="member_edit"),
    path("<int:pk>/members/<int:member_pk>/remove/", views.member_remove, name="member_remove"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/project/", views.convert, name="convert"),
    path("<int:pk>/eligibility.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<int:pk>/eligibility.pdf", views.export_pdf, name="export_pdf"),
]
