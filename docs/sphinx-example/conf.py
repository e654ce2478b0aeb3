# A working Sphinx project drawing convviz animations at build time:
#   pip install "convviz[docs]" && sphinx-build -b html docs/sphinx-example _build/html
project = "convviz in Sphinx"
extensions = ["convviz.sphinxext"]
# "gif" (default) or "svg": the format of animations in HTML builders
convviz_html_format = "gif"
