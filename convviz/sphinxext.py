"""A ``convviz`` directive for Sphinx: convolution animations in the docs, drawn at build time.

Add ``"convviz.sphinxext"`` to ``extensions`` in ``conf.py``, then::

    .. convviz:: padding_strides
       :caption: Padding 1, stride 2.

    .. convviz::
       :input: 5
       :kernel: 3
       :stride: 2
       :padding: 1
       :theme: classic
       :frame: 4
       :alt: A 3×3 kernel over a 5×5 input with stride 2.

The argument is a preset name (``convviz.presets()``); without one, the
options describe the convolution (see :mod:`convviz.embed` for all of
them). HTML builders get the animated GIF (``convviz_html_format = "svg"``
in ``conf.py``: an animated SVG), or a PNG still with ``:frame:``; the LaTeX
builder gets a vector PDF of ``:frame:`` (default: the poster frame). Other
builders get the alt text. Pictures are named by a hash of their options and
drawn only when missing, so a rebuild draws nothing. Modelled on
``sphinx.ext.graphviz``. :func:`gallery_scraper` shows the animations of
sphinx-gallery examples.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes  # type: ignore[import-untyped]
from docutils.parsers.rst import Directive, directives  # type: ignore[import-untyped]

from convviz.embed import parse_options, picture
from convviz.errors import SpecError

__all__ = ["ConvvizDirective", "convviz_node", "gallery_scraper", "setup"]


class convviz_node(nodes.General, nodes.Inline, nodes.Element):
    """The picture: its (parsed) options; drawn when the page is written."""


def _text(value: str | None) -> str:
    return directives.unchanged_required(value)


class ConvvizDirective(Directive):
    has_content = False
    required_arguments = 0
    optional_arguments = 1
    final_argument_whitespace = False
    option_spec: ClassVar[dict[str, Any]] = {
        "input": _text, "kernel": _text, "stride": _text, "padding": _text,
        "dilation": _text, "transposed": directives.flag, "theme": _text,
        "numbers": directives.flag, "duration": _text, "frame": _text,
        "alt": directives.unchanged, "caption": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        raw = dict(self.options)
        if self.arguments:
            raw["preset"] = self.arguments[0]
        try:
            options = parse_options(raw)
        except SpecError as error:
            return [self.state_machine.reporter.warning(
                f"convviz directive: {error}", line=self.lineno)]
        node = convviz_node()
        node["options"] = options
        caption = options.get("caption")
        if not caption:
            return [node]
        figure = nodes.figure("", node)
        parsed, _messages = self.state.inline_text(caption, self.lineno)
        figure += nodes.caption(caption, "", *parsed)
        return [figure]


def _render(translator: Any, node: convviz_node, extension: str, still: bool) -> Any:
    builder = translator.builder
    directory = Path(builder.outdir) / builder.imagedir
    try:
        return picture(node["options"], directory, extension, still=still)
    except SpecError as error:
        from sphinx.util import logging

        logging.getLogger(__name__).warning("convviz directive: %s", error, location=node)
        raise nodes.SkipNode from None


def visit_html(translator: Any, node: convviz_node) -> None:
    import html

    fmt = "." + translator.builder.config.convviz_html_format.lstrip(".")
    still = "frame" in node["options"]
    if still and fmt == ".gif":
        fmt = ".png"
    pic = _render(translator, node, fmt, still)
    src = posixpath.join(translator.builder.imgpath, pic.path.name)
    width, height = pic.size
    translator.body.append(
        f'<img class="convviz" src="{html.escape(src)}" alt="{html.escape(pic.alt)}" '
        f'width="{width}" height="{height}" />')
    raise nodes.SkipNode


def visit_latex(translator: Any, node: convviz_node) -> None:
    pic = _render(translator, node, ".pdf", True)
    name = posixpath.join(translator.builder.imagedir, pic.path.name) \
        if translator.builder.imagedir else pic.path.name
    options = r"width=\linewidth,height=0.4\textheight,keepaspectratio"
    translator.body.append(rf"\sphinxincludegraphics[{options}]{{{name}}}")
    raise nodes.SkipNode


def visit_other(translator: Any, node: convviz_node) -> None:
    options = node["options"]
    translator.body.append(options.get("alt") or options.get("preset") or "[convolution]") \
        if hasattr(translator, "body") and isinstance(translator.body, list) else None
    raise nodes.SkipNode


def gallery_scraper(block: Any, block_vars: dict[str, Any], gallery_conf: dict[str, Any],
                    **kwargs: Any) -> str:
    """A sphinx-gallery image scraper: every :class:`convviz.Animation` an example's code
    block leaves in its namespace (and no block before it did) becomes a GIF in the
    example's page. In ``conf.py``: ``sphinx_gallery_conf = {..., "image_scrapers":
    ("matplotlib", gallery_scraper)}`` with ``from convviz.sphinxext import
    gallery_scraper``."""
    from sphinx_gallery.scrapers import figure_rst  # type: ignore[import-untyped]

    from convviz.animation import Animation

    namespace = block_vars["example_globals"]
    shown = namespace.setdefault("__convviz_shown__", set())
    paths = []
    for value in list(namespace.values()):
        if isinstance(value, Animation) and id(value) not in shown:
            shown.add(id(value))
            path = Path(next(block_vars["image_path_iterator"])).with_suffix(".gif")
            value.save(path)
            paths.append(str(path))
    return figure_rst(paths, gallery_conf["src_dir"]) if paths else ""


def setup(app: Any) -> dict[str, Any]:
    """Register the ``convviz`` directive and the ``convviz_html_format`` setting."""
    from convviz import __version__

    app.add_config_value("convviz_html_format", "gif", "html", types=[str])
    app.add_node(convviz_node, html=(visit_html, None), latex=(visit_latex, None),
                 text=(visit_other, None), man=(visit_other, None),
                 texinfo=(visit_other, None))
    app.add_directive("convviz", ConvvizDirective)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
