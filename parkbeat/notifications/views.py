"""The inbox: every logged-in user has one, whatever their roles (administrators included)."""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from parkbeat.core.views import ScopedListView
from parkbeat.notifications import selectors, services
from parkbeat.notifications.filters import NotificationFilterSet
from parkbeat.notifications.models import Notification
from parkbeat.notifications.tables import NotificationTable


def local_path(url):
    """`url` if it is a path on this site (no scheme, no host, not protocol-relative), else ""."""
    if url.startswith("/") and not url.startswith(("//", "/\\")) and url_has_allowed_host_and_scheme(url, None):
        return url
    return ""


class NotificationListView(ScopedListView):
    model = Notification
    filterset_class = NotificationFilterSet
    table_class = NotificationTable
    template_name = "notifications/notification_list.html"
    partial_template_name = "includes/list_results.html"
    paginate_by = 25

    def get_base_queryset(self):
        return selectors.notification_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["unread_total"] = selectors.unread_count(self.request.user)
        if not ctx["filter"].form.changed_data:  # nothing filtered: the inbox itself is empty
            ctx["empty_message"] = _("Your inbox is empty.")
        return ctx


class NotificationOpenView(LoginRequiredMixin, View):
    """Opening a notification reads it and follows its link (a local path only; otherwise back to the inbox)."""

    def get(self, request, pk):
        notification = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
        services.notification_read(user=request.user, notification=notification)
        return redirect(local_path(notification.url) or reverse("notifications:notification_list"))


class NotificationReadAllView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        count = services.notification_read_all(user=request.user)
        messages.success(request, _("%(count)d notifications marked read.") % {"count": count})
        return redirect("notifications:notification_list")
