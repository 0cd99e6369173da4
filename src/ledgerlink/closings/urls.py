from django.urls import path

from ledgerlink.closings import views

urlpatterns = [
    path("closings/", views.closing_list, name="closing-list"),
    path("closings/new", views.closing_form, name="closing-new"),
    path("closings/<int:closing_id>/", views.closing_detail, name="closing-detail"),
    path("closings/<int:closing_id>/correct", views.closing_form, name="closing-correct"),
    path("closings/mapping/<int:number>/", views.mapping_edit, name="closing-mapping"),
]
