from django.urls import path

from ledgerlink.connectors import views

urlpatterns = [
    path("connectors/", views.connector_list, name="connector-list"),
    path("connectors/new", views.connector_add, name="connector-add"),
    path("connectors/<int:number>/", views.connector_detail, name="connector-detail"),
    path("connectors/<int:number>/status", views.connector_status, name="connector-status"),
    path("connectors/<int:number>/authorize", views.connector_authorize, name="connector-authorize"),
    path("connectors/<int:number>/test", views.connector_test, name="connector-test"),
    path("connectors/<int:number>/division", views.connector_division, name="connector-division"),
    path("oauth.ashx", views.oauth_callback, name="oauth-callback"),
]
