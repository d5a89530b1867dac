from django.urls import path

from . import views

app_name = "matchmaking"
urlpatterns = [
    path("call/<str:topic_id>/", views.call_matches, name="call"),
    path("need/<int:pk>/", views.need_matches, name="need"),
    path("actor/<int:pk>/", views.actor_matches, name="actor"),
    path("strength/", views.strength_map, name="strength"),
    path("strength.csv", views.strength_map_csv, name="strength_csv"),
    path("partners/", views.partner_search, name="partners"),
    path("tags/<str:target_type>/<int:pk>/", views.record_tags, name="tags"),
]
