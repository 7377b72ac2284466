"""Data models and schemas of the Dutch government's own tools, vendored to test the exports against.

See ``SOURCES.md`` beside this file for where each file comes from and under which licence.
"""
