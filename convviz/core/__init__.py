"""The domain core, NumPy only: every fact about a convolution, once.

``spec`` (ConvSpec, index maps), ``axis`` (per-axis geometry), ``engine``
(apply, pool), ``field`` (receptive fields), ``gated`` (GLU / highway numbers). Nothing here imports
matplotlib, jinja2 or the command line.
"""
