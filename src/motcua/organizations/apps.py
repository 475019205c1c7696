from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs) -> None:
    from motcua.organizations.roles import sync_default_roles

    sync_default_roles()


class OrganizationsConfig(AppConfig):
    name = "motcua.organizations"
    label = "organizations"
    verbose_name = "Tổ chức, đơn vị và vai trò"

    def ready(self) -> None:
        # After every migrate (all apps' permissions exist by then) make sure the default roles do.
        post_migrate.connect(_sync_roles, dispatch_uid="motcua.organizations.sync_roles")
