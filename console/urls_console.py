from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import account_views, settings_views, views

app_name = "console"

# Settings → API tokens, Members (and invitations), Audit log, Accounts: under settings/.
token_patterns = [
    path("", settings_views.tokens, name="tokens"),
    path("new/", settings_views.token_create, name="token_create"),
    path("<int:pk>/revoke/", settings_views.token_revoke, name="token_revoke"),
]
member_patterns = [
    path("", settings_views.members, name="members"),
    path("invitations/", settings_views.invitation_create, name="invitation_create"),
    path(
        "invitations/<int:pk>/revoke/",
        settings_views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("<int:pk>/role/", settings_views.member_role, name="member_role"),
    path("<int:pk>/remove/", settings_views.member_remove, name="member_remove"),
]
account_patterns = [
    path("", account_views.account_list, name="accounts"),
    path("<str:account_id>/rename/", account_views.account_rename, name="account_rename"),
    path("<str:account_id>/delete/", account_views.account_delete, name="account_delete"),
]
settings_patterns = [
    path("", views.settings_index, name="settings"),
    path("tokens/", include(token_patterns)),
    path("members/", include(member_patterns)),
    path("audit/", settings_views.audit_log, name="audit"),
    path("accounts/", include(account_patterns)),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("switch-account/", views.switch_account, name="switch_account"),
    path("switch-organization/", views.switch_organization, name="switch_organization"),
    path("join/", views.join, name="join"),
    path("join/<str:code>/", views.join, name="join_code"),
    path("settings/", include(settings_patterns)),
]

# Login and logout keep Django's well-known names so LOGIN_URL and templates find them.
auth_urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
