"""A ```` ```convviz ```` fence for MkDocs (pymdownx.superfences): animations drawn at build time.

In ``mkdocs.yml``::

    markdown_extensions:
      - pymdownx.superfences:
          custom_fences:
            - name: convviz
              class: convviz
              format: !!python/name:convviz.mkdocs_fence.fence_format

then in a page::

    ```convviz
    preset: padding_strides
    caption: Padding 1, stride 2.
    ```

The fence holds ``key: value`` lines with the Sphinx directive's options
(:mod:`convviz.embed`: ``preset`` or ``input``/``kernel``/..., ``theme``,
``numbers``, ``frame``, ``alt``, ``caption``; ``format: svg`` for an
animated SVG). The picture is drawn into a cache directory
(``$CONVVIZ_CACHE_DIR``, default ``.convviz-cache`` in the directory MkDocs
runs in) under a hash of its options, so a rebuild draws nothing, and is
embedded in the page as a data URI (no plugin needed to copy files).
"""

from __future__ import annotations

import base64
import html
import os
from typing import Any

from convviz.embed import parse_options, picture
from convviz.errors import SpecError

__all__ = ["cache_dir", "fence_format", "read_fence"]

_MIME = {".gif": "image/gif", ".png": "image/png", ".svg": "image/svg+xml",
         ".webp": "image/webp"}


def cache_dir() -> str:
    """Where the fence keeps its pictures: ``$CONVVIZ_CACHE_DIR`` or ``.convviz-cache``."""
    return os.environ.get("CONVVIZ_CACHE_DIR") or ".convviz-cache"


def read_fence(source: str) -> tuple[dict[str, str], str]:
    """(options, format) from a fence's ``key: value`` lines (``#`` starts a comment)."""
    options: dict[str, str] = {}
    for number, line in enumerate(source.splitlines(), 1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        key, sep, value = text.partition(":")
        if not sep:
            raise SpecError(f"convviz fence line {number}: expected 'key: value', got {line!r}")
        options[key.strip()] = value.strip().strip("'\"")
    fmt = "." + options.pop("format", "gif").lstrip(".").lower()
    if fmt not in _MIME:
        raise SpecError(f"format must be one of {', '.join(m[1:] for m in _MIME)}, got {fmt[1:]!r}")
    return options, fmt


def fence_format(source: str, language: str, class_name: str, options: dict[str, Any],
                 md: Any, **kwargs: Any) -> str:
    """The fence's HTML: the picture as an ``<img>`` (in a ``<figure>`` with a caption)."""
    try:
        raw, fmt = read_fence(source)
        parsed = parse_options(raw)
        still = "frame" in parsed
        if still and fmt == ".gif":
            fmt = ".png"
        pic = picture(parsed, cache_dir(), fmt, still=still)
    except SpecError as error:
        return (f'<pre class="{html.escape(class_name)} error">convviz: '
                f"{html.escape(str(error))}</pre>")
    data = base64.b64encode(pic.path.read_bytes()).decode("ascii")
    width, height = pic.size
    img = (f'<img class="{html.escape(class_name)}" src="data:{_MIME[fmt]};base64,{data}" '
           f'alt="{html.escape(pic.alt)}" width="{width}" height="{height}" />')
    caption = parsed.get("caption")
    if not caption:
        return f"<p>{img}</p>"
    return f"<figure>{img}<figcaption>{html.escape(caption)}</figcaption></figure>"
