"""Renderers: turn an evidence document into a report or an export. They never compute.

:func:`render_html` writes the conformity-evidence report; :func:`system_card`,
:func:`register_draft` and :func:`markdown_summary` fill the MinBZK system card, the
Algoritmeregister draft and a Markdown summary (``auditor export``).
"""

from auditor.render.export import markdown_summary, register_draft, system_card
from auditor.render.html import render_html

__all__ = ["markdown_summary", "register_draft", "render_html", "system_card"]
