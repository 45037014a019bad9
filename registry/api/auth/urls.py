from django.urls import URLPattern, path

from registry.api.auth import views

urlpatterns: list[URLPattern] = [
    path("auth/token/", views.TokenApi.as_view(), name="auth-token"),
    path("auth/login/", views.LoginApi.as_view(), name="auth-login"),
    path("auth/logout/", views.LogoutApi.as_view(), name="auth-logout"),
    path("auth/me/", views.MeApi.as_view(), name="auth-me"),
]
