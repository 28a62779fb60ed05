from django.urls import path

from . import views

app_name = "galleries"

urlpatterns: list = []
urlpatterns += [path("inventory/", views.inventory, name="inventory")]
