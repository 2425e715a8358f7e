from django.urls import path

from pathways.portal import staff_views

urlpatterns = [
    path("people/<int:pk>/portal/", staff_views.access, name="portal-access"),
    path("people/<int:pk>/portal/invite/", staff_views.invite_person, name="portal-invite-person"),
    path(
        "people/<int:pk>/portal/supporter/",
        staff_views.invite_supporter,
        name="portal-invite-supporter",
    ),
    path(
        "people/<int:pk>/portal/<int:account_pk>/end/",
        staff_views.end_access,
        name="portal-end-access",
    ),
    path(
        "people/<int:pk>/portal/<int:account_pk>/resend/", staff_views.resend, name="portal-resend"
    ),
]
