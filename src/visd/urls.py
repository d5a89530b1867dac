"""URL map: every screen is two hops from here (this file, then the app's urls.py)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from visd.core import views as core_views
from visd.site import views as site_views
from visd.site.sitemaps import SITEMAPS

urlpatterns = [
    # the public home for visitors, the registry home for signed-in users (docs/site.md)
    path("", site_views.home, name="home"),
    path("visd/", include("visd.site.urls")),
    path("sitemap.xml", sitemap_view, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("accounts/login/", core_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", core_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # The set-password link of a new representative (visd.onboarding): Django's reset-token views.
    path("accounts/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("actors/", include("visd.actors.urls")),
    path("join/", include("visd.onboarding.urls")),
    path("profile/", include("visd.profiles.urls")),
    path("stakeholders/", include("visd.stakeholders.urls")),
    path("projects/", include("visd.projects.urls")),
    # The funding app serves calls/ and instruments/ (its urls.py carries both prefixes).
    path("", include("visd.funding.urls")),
    path("needs/", include("visd.capabilities.urls")),
    path("guidance/", include("visd.guidance.urls")),
    path("screening/", include("visd.screening.urls")),
    path("consortia/", include("visd.consortia.urls")),
    path("sources/", include("visd.sources.urls")),
    path("facilities/", include("visd.facilities.urls")),
    path("roadmaps/", include("visd.roadmaps.urls")),
    path("events/", include("visd.events.urls")),
    path("meetings/", include("visd.meetings.urls")),
    path("imports/", include("visd.imports.urls")),
    path("matching/", include("visd.matchmaking.urls")),
    path("programme/", include("visd.programme.urls")),
    path("history/", include("visd.core.urls")),
    path("api/", include("visd.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # the split view serves Swagger UI's start script as a file: no inline script (Content-Security-Policy)
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
