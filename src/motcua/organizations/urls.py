from django.urls import path

from motcua.organizations import views

app_name = "organizations"
urlpatterns = [
    path("", views.unit_list, name="unit-list"),
    path("<int:pk>/", views.unit_detail, name="unit-detail"),
]
