from django.urls import path

from parkbeat.guarding import views

app_name = "guarding"
urlpatterns = [
    path("", views.AssetListView.as_view(), name="asset_list"),
    path("new/", views.AssetCreateView.as_view(), name="asset_create"),
    path("mine/", views.MyShiftsView.as_view(), name="my_shifts"),
    path("<int:pk>/", views.AssetDetailView.as_view(), name="asset_detail"),
    path("<int:pk>/edit/", views.AssetUpdateView.as_view(), name="asset_update"),
    path("<int:pk>/split/", views.AssetSplitView.as_view(), name="asset_split"),
    path("<int:pk>/points/new/", views.FixedPointCreateView.as_view(), name="fixed_point_create"),
    path("points/<int:pk>/edit/", views.FixedPointUpdateView.as_view(), name="fixed_point_update"),
    path("points/<int:pk>/delete/", views.FixedPointDeleteView.as_view(), name="fixed_point_delete"),
    path("segments/<int:pk>/assign/", views.SegmentAssignView.as_view(), name="segment_assign"),
    path("shifts/", views.ShiftListView.as_view(), name="shift_list"),
    path("shifts/new/", views.ShiftCreateView.as_view(), name="shift_create"),
    path("shifts/<int:pk>/", views.ShiftDetailView.as_view(), name="shift_detail"),
    path("shifts/<int:pk>/edit/", views.ShiftUpdateView.as_view(), name="shift_update"),
    path("shifts/<int:pk>/cancel/", views.ShiftCancelView.as_view(), name="shift_cancel"),
    path("shifts/<int:pk>/checkin/", views.ShiftCheckInView.as_view(), name="shift_checkin"),
    path("shifts/<int:pk>/decline/", views.ShiftDeclineView.as_view(), name="shift_decline"),
]
