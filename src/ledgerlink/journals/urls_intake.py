from django.urls import path

from ledgerlink.journals import views_intake

urlpatterns = [
    path("apikeys/", views_intake.apikey_list, name="apikey-list"),
    path("apikeys/<str:prefix>/revoke", views_intake.apikey_revoke, name="apikey-revoke"),
    path("journals/import", views_intake.journal_import, name="journal-import"),
]
