from django.urls import path

from . import views

app_name = "publish"

urlpatterns = [
    path("settings/spot/", views.connections, name="connections"),
    path("settings/spot/<str:account_id>/", views.connection, name="connection"),
    path("settings/spot/<str:account_id>/test/", views.connection_test, name="connection_test"),
    path(
        "settings/spot/<str:account_id>/remove/",
        views.connection_remove,
        name="connection_remove",
    ),
    path(
        "settings/spot/<str:account_id>/import/",
        views.connection_import,
        name="connection_import",
    ),
    path("spot/preview/<str:group_id>/", views.preview, name="preview"),
    path("publications/<int:pk>/retry/", views.publication_retry, name="retry"),
    path("publications/<int:pk>/republish/", views.publication_republish, name="republish"),
    path("publications/<int:pk>/adopt/", views.publication_adopt, name="adopt"),
]
