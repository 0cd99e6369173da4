from django.urls import path

from ledgerlink.journals import views

urlpatterns = [
    path("journals/", views.journal_list, name="journal-list"),
    path("journals/progress", views.journal_progress, name="journal-progress"),
    path("journals/resend-failed", views.journal_resend_failed, name="journal-resend-failed"),
    path("journals/<int:journal_id>/", views.journal_detail, name="journal-detail"),
    path("journals/<int:journal_id>/resend", views.journal_resend, name="journal-resend"),
    path("journals/<int:journal_id>/send-now", views.journal_send_now, name="journal-send-now"),
    path("journals/<int:journal_id>/cancel", views.journal_cancel, name="journal-cancel"),
    path("journals/<int:journal_id>/move", views.journal_move, name="journal-move"),
    path("journals/<int:journal_id>/wait", views.journal_wait, name="journal-wait"),
    path("journals/wait-for-periods", views.journal_wait_for_periods, name="journal-wait-for-periods"),
    path("journals/mapping/<int:number>/", views.mapping_edit, name="journal-mapping"),
]
