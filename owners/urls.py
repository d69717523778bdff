from django.urls import path

from . import views

app_name = "owners"

urlpatterns = [
    path("", views.home, name="home"),
    path("activate/", views.activate, name="activate"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("text-size/", views.text_size, name="text_size"),
]
