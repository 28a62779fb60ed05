from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("reviews/", views.inbox, name="inbox"),
    path("reviews/<int:change_id>/", views.change_page, name="change"),
    path("reviews/<int:change_id>/<str:step>/", views.change_step, name="step"),
    path("reviews/groups/<str:group_id>/timeline/", views.group_timeline, name="timeline"),
    path("settings/reviews/", views.policy_settings, name="policy"),
]
