from django.urls import path

from . import views

app_name = "onboarding"
urlpatterns = [
    path("", views.join, name="join"),
    path("new/", views.join_new, name="new"),
    path("claim/<int:actor_pk>/", views.join_claim, name="apply"),
    path("sent/", views.sent, name="sent"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("claims/", views.queue, name="queue"),
    path("claims/<int:pk>/", views.claim_detail, name="claim"),
]
