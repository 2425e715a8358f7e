from django.contrib.auth import views as auth_views
from django.urls import path

from pathways.core import views

urlpatterns = [
    path("", views.my_work, name="my-work"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("set-password/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set-password"),
    path("audit/", views.audit_home, name="audit"),
    path("audit/people/<int:pk>/", views.audit_person, name="audit-person"),
]
