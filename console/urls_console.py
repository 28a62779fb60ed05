from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "console"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("settings/", views.settings_index, name="settings"),
    path("switch-account/", views.switch_account, name="switch_account"),
]

# Login and logout keep Django's well-known names so LOGIN_URL and templates find them.
auth_urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
