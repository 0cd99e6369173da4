from django.urls import path

from ledgerlink.journals import views_imports, views_intake

urlpatterns = [
    path("apikeys/", views_intake.apikey_list, name="apikey-list"),
    path("apikeys/<str:prefix>/revoke", views_intake.apikey_revoke, name="apikey-revoke"),
    path("journals/import", views_imports.journal_import, name="journal-import"),
    path("journals/imports/<int:job_id>", views_imports.import_job, name="journal-import-job"),
    path("journals/imports/<int:job_id>/status", views_imports.import_job_status, name="journal-import-status"),
]
