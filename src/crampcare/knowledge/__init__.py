"""The knowledge base: crampcare's medicine as validated data.

Everything clinical lives in YAML under ``data/`` and is loaded once into the pydantic models of
this package. ``load()`` returns the cached, cross-checked :class:`KnowledgeBase`; ``problems()``
lists what ``crampcare kb check`` reports.
"""

from crampcare.knowledge.base import (
    KnowledgeBase,
    KnowledgeError,
    KnowledgeFileError,
    build_from,
    load,
    problems,
)

__all__ = ["KnowledgeBase", "KnowledgeError", "KnowledgeFileError", "build_from", "load", "problems"]
