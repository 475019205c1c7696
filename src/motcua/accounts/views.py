"""Login and logout pages (Vietnamese first)."""

from django.contrib.auth import views as auth_views
from django.shortcuts import resolve_url

from motcua.accounts.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        """Citizens (accounts with a portal profile) go to their dossiers, never to the back office."""
        if hasattr(self.request.user, "citizen_profile"):
            return resolve_url("citizen:my-dossiers")
        return super().get_default_redirect_url()


class LogoutView(auth_views.LogoutView):
    pass
