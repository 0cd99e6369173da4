from django.urls import include, path, re_path

from ledgerlink import api as api_module
from ledgerlink.api import api
from ledgerlink.web import views as web_views

# The API first: its requests are the many, and Django tries the patterns in order (the pages' forty-odd cost a
# tenth of a millisecond per API request before the API's were reached, issue 13). No page's path starts "api/".
urlpatterns = [
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<path>.*)$", api_module.not_found),
    path("", web_views.home, name="home"),
    path("search", web_views.quick_search, name="quick-search"),
    path("healthz", web_views.healthz, name="healthz"),
    path("readyz", web_views.readyz, name="readyz"),
    path("", include("ledgerlink.tenancy.urls")),
    path("", include("ledgerlink.connectors.urls")),
    path("", include("ledgerlink.journals.urls")),
    path("", include("ledgerlink.journals.urls_intake")),
    path("", include("ledgerlink.closings.urls")),
    path("", include("ledgerlink.operations.urls")),
    path("", include("ledgerlink.webhooks.urls")),
]

handler404 = api_module.handler404
handler500 = api_module.handler500
