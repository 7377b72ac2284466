"""Renderers: turn an evidence document into a report. They never compute."""

from auditor.render.html import render_html

__all__ = ["render_html"]
