from django.contrib.auth import views as auth_views
from django.urls import path

from parkbeat.core import views
from parkbeat.core.forms import LoginForm
from parkbeat.core.health import health_view
from parkbeat.core.reveal_views import RevealView

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="core/login.html", authentication_form=LoginForm,
                                                redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.health, name="health"),  # liveness: the process answers
    path("health/", health_view, name="health_report"),  # readiness: database, queue, outbox
    path("reveal/", RevealView.as_view(), name="reveal"),  # reveal of masked personal data (part B)
]
