"""The visitors' site from the build's static tree (`site/`): `/` is its index, and every other file of the
tree that no other route claims (`/browse/...`, `/source/...`, `/timeline/`, `/queries/`, `/network/...`) is
served from the same folder, with the build's ETag.

Paths are joined safely: `..`, empty and hidden parts (`.htaccess`) are refused, and the file found must lie
inside the site folder once symbolic links are resolved. A folder answers its `index.html`; a folder asked
without its final slash is redirected to it, so that the pages' relative links resolve.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..publishing.media import with_charset
from .responses import FileStream, not_modified, plain

MEDIA = {".html": "text/html", ".css": "text/css", ".js": "text/javascript", ".json": "application/json",
         ".svg": "image/svg+xml", ".png": "image/png", ".txt": "text/plain"}


def locate(site: Path, path: str) -> Path | None:
    """The file or folder of the tree at `path`, or None when the path is unsafe or absent."""
    parts = path.split("/")
    if parts and parts[-1] == "":
        parts = parts[:-1]
    if any(p in ("", ".", "..") or p.startswith(".") or "\\" in p or "\x00" in p for p in parts):
        return None
    target = site.joinpath(*parts) if parts else site
    try:
        resolved, root = target.resolve(strict=True), site.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return resolved if resolved == root or resolved.is_relative_to(root) else None


async def index(request: Request) -> Response:
    return _serve(request, "")


async def site_file(request: Request) -> Response:
    return _serve(request, request.path_params["path"])


def _serve(request: Request, path: str) -> Response:
    build = request.app.state.switch.current.build
    found = locate(build.folder / "site", path)
    if found is None:
        return plain(404, "not found")
    if found.is_dir():
        if path and not path.endswith("/"):
            return RedirectResponse("/" + path + "/", status_code=301)
        found, path = found / "index.html", path + "index.html"
        if not found.is_file():
            return plain(404, "not found")
    if not found.is_file():
        return plain(404, "not found")
    etag = build.etag("site/" + path)
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    media = MEDIA.get(found.suffix) or mimetypes.guess_type(found.name)[0] or "application/octet-stream"
    return FileStream(found, size=found.stat().st_size, media_type=with_charset(media), headers=headers)
