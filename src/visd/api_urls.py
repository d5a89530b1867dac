"""REST API routes: one router for all apps (each app registers its viewsets in api/views.py)."""

urlpatterns: list = []
