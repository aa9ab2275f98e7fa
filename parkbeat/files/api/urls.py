from django.urls import path

from parkbeat.files.api import views

urlpatterns = [
    path("attachments/<str:parent_type>/<int:parent_pk>/<int:pk>/", views.AttachmentDownloadView.as_view(),
         name="attachment-download"),
]
