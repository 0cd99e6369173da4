from django.urls import path

from ledgerlink.operations import views, views_companies, views_dashboard, views_metrics

urlpatterns = [
    path("operations/", views.console, name="operations-console"),
    path("operations/connectors/<int:connector_id>/", views.connector_detail, name="operations-connector"),
    path(
        "operations/connectors/<int:connector_id>/resend-failed",
        views.connector_resend_failed,
        name="operations-resend-failed",
    ),
    path("operations/workers/", views.workers, name="operations-workers"),
    path("operations/dashboard/", views_dashboard.dashboard, name="operations-dashboard"),
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("operations/companies/<int:number>/", views_companies.company, name="operations-company"),
    path(
        "operations/companies/<int:number>/keys/<str:prefix>/revoke",
        views_companies.revoke_key,
        name="operations-revoke-key",
    ),
    path("metrics", views_metrics.metrics, name="metrics"),
]
