"""Jinja2 templates and static assets of the convviz gallery (shipped as convviz.templates)."""
