from django.urls import path

from . import views
from .inventory import views as views_search
from .network import views as views_network
from .subscriptions import views as views_subscriptions

app_name = "galleries"

_subs = "settings/subscriptions/"
urlpatterns: list = [
    path("inventory/", views.inventory, name="inventory"),
    path("inventory/images/", views_search.image_search, name="image_search"),
    path("network/options/", views_network.network_options, name="network_options"),
    path("inventory/galleries/<int:pk>/", views.gallery_detail, name="gallery_detail"),
    path("inventory/images/<int:pk>/", views.image_detail, name="image_detail"),
    path("inventory/versions/<int:pk>/", views.version_detail, name="version_detail"),
    path(_subs, views_subscriptions.subscription_list, name="subscriptions"),
    path(f"{_subs}connect/", views_subscriptions.subscription_connect, name="subscription_connect"),
    path(
        f"{_subs}test/",
        views_subscriptions.subscription_test_unsaved,
        name="subscription_test_unsaved",
    ),
    path(f"{_subs}<int:pk>/", views_subscriptions.subscription_detail, name="subscription_detail"),
    path(f"{_subs}<int:pk>/edit/", views_subscriptions.subscription_edit, name="subscription_edit"),
    path(f"{_subs}<int:pk>/test/", views_subscriptions.subscription_test, name="subscription_test"),
    path(
        f"{_subs}<int:pk>/status/",
        views_subscriptions.subscription_status,
        name="subscription_status",
    ),
    path(
        f"{_subs}<int:pk>/refresh/",
        views_subscriptions.subscription_refresh,
        name="subscription_refresh",
    ),
    path(
        f"{_subs}<int:pk>/disconnect/",
        views_subscriptions.subscription_disconnect,
        name="subscription_disconnect",
    ),
    path(f"{_subs}<int:pk>/runs/<int:run_pk>/", views_subscriptions.run_detail, name="run_detail"),
]
