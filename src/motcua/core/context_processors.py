"""Values every page needs: the site's name and version, and which area (portal or back office) it is."""

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    return {"site_name": settings.MOTCUA_SITE_NAME, "motcua_version": settings.MOTCUA_VERSION}
