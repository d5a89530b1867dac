"""Programme management, mounted at /programme/."""

from django.urls import path

from . import views

app_name = "programme"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("domains/<slug:domain_code>/", views.dashboard, name="domain_dashboard"),
    path("kpis/<slug:code>/<int:year>/", views.kpi_detail, name="kpi_detail"),
    path("kpis/values/new/", views.kpi_value_create, name="kpi_value_create"),
    path("kpis/targets/new/", views.kpi_target_set, name="kpi_target_set"),
    path("budget/", views.budget, name="budget"),
    path("budget/entries/new/", views.budget_entry_create, name="budget_entry_create"),
    path("budget/entries/<int:pk>/", views.budget_entry, name="budget_entry"),
    path("budget/entries/<int:pk>/delete/", views.budget_entry_delete, name="budget_entry_delete"),
    path("agenda/new/", views.action_item_create, name="action_item_create"),
    path("agenda/<int:pk>/", views.action_item, name="action_item"),
    path("agenda/<int:pk>/delete/", views.action_item_delete, name="action_item_delete"),
    path("report/", views.report, name="report"),
    path("report/templates/", views.template_list, name="templates"),
    path("report/templates/new/", views.template_edit, name="template_create"),
    path("report/templates/<int:pk>/", views.template_edit, name="template_edit"),
]
