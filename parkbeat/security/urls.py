from django.urls import path

from parkbeat.security import views

app_name = "security"
urlpatterns = [
    path("", views.SecurityHomeView.as_view(), name="home"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("2fa/setup/", views.TotpSetupView.as_view(), name="totp_setup"),
    path("2fa/verify/", views.OtpVerifyView.as_view(), name="otp_verify"),
    path("2fa/recovery-codes/", views.RecoveryCodesView.as_view(), name="recovery_codes"),
]
