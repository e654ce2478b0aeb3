"""Encoding frame sources into files: GIF, PNG, contact sheets; atomic writes."""
