from django.urls import path

from ledgerlink.webhooks import views

urlpatterns = [
    path("webhooks/", views.endpoint_list, name="webhook-list"),
    path("webhooks/<int:endpoint_id>/", views.endpoint_detail, name="webhook-detail"),
    path("webhooks/<int:endpoint_id>/test", views.endpoint_send_test, name="webhook-test"),
    path("webhooks/<int:endpoint_id>/rotate-secret", views.endpoint_rotate_secret, name="webhook-rotate"),
    path("webhooks/<int:endpoint_id>/delete", views.endpoint_delete, name="webhook-delete"),
    path(
        "webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/replay",
        views.delivery_replay,
        name="webhook-replay",
    ),
]
