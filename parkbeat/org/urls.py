from django.urls import path

from parkbeat.org import views

app_name = "org"
urlpatterns = [
    path("parks/", views.ParkListView.as_view(), name="park_list"),
    path("parks/<int:pk>/", views.ParkDetailView.as_view(), name="park_detail"),
    path("parks/<int:pk>/edit/", views.ParkEditView.as_view(), name="park_edit"),
    path("duty/", views.DutyListView.as_view(), name="duty_list"),
    path("duty/new/", views.DutyCreateView.as_view(), name="duty_create"),
    path("duty/print/", views.DutyPrintView.as_view(), name="duty_print"),
    path("duty/pdf/", views.DutyPdfView.as_view(), name="duty_pdf"),
    path("duty/export/", views.DutyExportView.as_view(), name="duty_export"),
    path("duty/<int:pk>/delete/", views.DutyDeleteView.as_view(), name="duty_delete"),
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/new/", views.UserCreateView.as_view(), name="user_create"),
    path("users/<int:pk>/active/", views.UserToggleView.as_view(), name="user_toggle"),
    path("users/<int:pk>/password/", views.UserPasswordView.as_view(), name="user_password"),
    path("roles/", views.RoleListView.as_view(), name="role_list"),
    path("roles/new/", views.RoleCreateView.as_view(), name="role_create"),
    path("roles/<int:pk>/delete/", views.RoleDeleteView.as_view(), name="role_delete"),
]
