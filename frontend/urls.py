from django.urls import path

from frontend import views

urlpatterns = [
    path("", views.editor, name="editor"),
    path("favicon.ico", views.favicon, name="favicon"),
]
