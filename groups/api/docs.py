"""Swagger UI for /api/docs from the files django-ninja ships, served here: no CDN.

(ninja would use its bundled files only with "ninja" in INSTALLED_APPS; this keeps the docs
page self-contained without it.)
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from typing import Any

import ninja
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.html import escape
from ninja import NinjaAPI, Router
from ninja.openapi.docs import Swagger

from .envelope import NOT_FOUND, ErrorItem, error

ASSETS_DIR = Path(ninja.__file__).parent / "static" / "ninja"
ASSETS = {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.png"}
ASSETS_URL = "/api/docs/assets"

assets_router = Router(auth=None)


@assets_router.get(f"{ASSETS_URL}/{{name}}", include_in_schema=False)
def docs_asset(request: HttpRequest, name: str) -> HttpResponseBase:
    if name not in ASSETS:
        return error(request, 404, [ErrorItem(NOT_FOUND, f"No documentation asset {name}.")])
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse((ASSETS_DIR / name).open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response


class LocalSwagger(Swagger):
    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        # "</" can't end the script element early once escaped.
        settings_json = json.dumps(self.settings).replace("</", "<\\/")
        html = f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{escape(api.title)}</title>
  <link rel="stylesheet" href="{ASSETS_URL}/swagger-ui.css">
  <link rel="icon" href="{ASSETS_URL}/favicon.png">
</head>
<body data-csrf-token="" data-api-csrf="">
  <script type="application/json" id="swagger-settings">{settings_json}</script>
  <div id="swagger-ui"></div>
  <script src="{ASSETS_URL}/swagger-ui-bundle.js"></script>
  <script src="{ASSETS_URL}/swagger-ui-init.js"></script>
</body>
</html>"""
        return HttpResponse(html)
