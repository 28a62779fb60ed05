from django.contrib.auth import views as auth_views
from django.urls import path

from . import account_views, settings_views, views

app_name = "console"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("settings/", views.settings_index, name="settings"),
    path("switch-account/", views.switch_account, name="switch_account"),
    path("switch-organization/", views.switch_organization, name="switch_organization"),
    path("settings/tokens/", settings_views.tokens, name="tokens"),
    path("settings/tokens/new/", settings_views.token_create, name="token_create"),
    path("settings/tokens/<int:pk>/revoke/", settings_views.token_revoke, name="token_revoke"),
    path("settings/members/", settings_views.members, name="members"),
    path(
        "settings/members/invitations/", settings_views.invitation_create, name="invitation_create"
    ),
    path(
        "settings/members/invitations/<int:pk>/revoke/",
        settings_views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("join/", views.join, name="join"),
    path("join/<str:code>/", views.join, name="join_code"),
    path("settings/members/<int:pk>/role/", settings_views.member_role, name="member_role"),
    path("settings/members/<int:pk>/remove/", settings_views.member_remove, name="member_remove"),
    path("settings/audit/", settings_views.audit_log, name="audit"),
    path("settings/accounts/", account_views.account_list, name="accounts"),
    path(
        "settings/accounts/<str:account_id>/rename/",
        account_views.account_rename,
        name="account_rename",
    ),
    path(
        "settings/accounts/<str:account_id>/delete/",
        account_views.account_delete,
        name="account_delete",
    ),
]

# Login and logout keep Django's well-known names so LOGIN_URL and templates find them.
auth_urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
