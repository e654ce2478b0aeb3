"""The static gallery: view models (:mod:`.models`) from the engine, text tables
(:mod:`.text`), Jinja templates and the incremental build (:mod:`.builder`).

>>> from convviz import site
>>> site.build  # doctest: +ELLIPSIS
<function build at ...>
"""

from convviz.site.builder import (
    ASSET_FILES,
    LANG_PAGES,
    MANIFEST_NAME,
    BuildReport,
    build,
    render_draft,
    render_pages,
    render_picture,
)

__all__ = ["ASSET_FILES", "LANG_PAGES", "MANIFEST_NAME", "BuildReport", "build", "render_draft",
           "render_pages", "render_picture"]
