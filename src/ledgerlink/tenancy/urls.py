from django.urls import path

from ledgerlink.tenancy import views_companies, views_language, views_login, views_users

urlpatterns = [
    path("login", views_login.login_view, name="login"),
    path("login/handoff", views_login.handoff_view, name="login-handoff"),
    path("logout", views_login.logout_view, name="logout"),
    path("language", views_language.set_language, name="set-language"),
    path("companies/", views_companies.company_list, name="company-list"),
    path("companies/new", views_companies.company_create, name="company-create"),
    path("companies/<int:number>/", views_companies.company_detail, name="company-detail"),
    path("companies/<int:number>/licences/<str:module>/grant", views_companies.licence_grant, name="licence-grant"),
    path("companies/<int:number>/licences/<str:module>/revoke", views_companies.licence_revoke, name="licence-revoke"),
    path("users/", views_users.user_list, name="user-list"),
    path("users/new", views_users.user_create, name="user-create"),
    path("users/<int:user_id>/", views_users.user_detail, name="user-detail"),
]
