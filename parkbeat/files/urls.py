from django.urls import path

from parkbeat.files import views

app_name = "files"
urlpatterns = [
    path("<str:parent_type>/<int:parent_pk>/<int:pk>/", views.attachment_download, name="attachment_download"),
]
