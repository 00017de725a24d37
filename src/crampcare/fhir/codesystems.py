"""``CodeSystem`` resources for crampcare's own code systems, so that an export explains itself.

Every coding under :data:`crampcare.fhir.codes.BASE` in a bundle points at one of our code systems;
the export carries that CodeSystem (all its codes, with their displays), so a receiving system can
resolve the codes without asking us.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from crampcare.fhir.codes import own_system


def _walk_codings(node: Any) -> Iterable[Mapping[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "coding" and isinstance(value, list):
                yield from (c for c in value if isinstance(c, dict))
            else:
                yield from _walk_codings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk_codings(item)


def _section_codes(section: str) -> dict[str, str]:
    """code -> display for one of our code systems (vocabulary descriptions, else the code)."""
    from crampcare.fhir.validate import OWN_CODES
    from crampcare.spec import vocabulary

    if section == "assessment-item":
        from crampcare.assess.questions import questions

        return {q.link_id: q.text for q in questions()}
    voc = vocabulary().get(section)
    if isinstance(voc, dict):
        return {str(code): str(text).rstrip(".") for code, text in voc.items()}
    return {code: code.replace("-", " ") for code in sorted(OWN_CODES.get(section, ()))}


def code_system(section: str, seen: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The ``CodeSystem`` of one section (``seen``: displays used in the bundle, preferred)."""
    from crampcare import __version__

    codes = _section_codes(section)
    name = "Crampcare" + "".join(part.capitalize() for part in section.replace("-", "_").split("_"))
    return {
        "resourceType": "CodeSystem",
        "id": f"crampcare-{section.replace('_', '-')}",
        "url": own_system(section),
        "version": __version__,
        "name": name,
        "title": f"crampcare {section.replace('_', ' ')}",
        "status": "active",
        "experimental": False,
        "publisher": "crampcare",
        "caseSensitive": True,
        "content": "complete",
        "count": len(codes),
        "concept": [
            {"code": code, "display": (seen or {}).get(code) or display} for code, display in codes.items()
        ],
    }


def code_systems_for(resources: Iterable[Any]) -> list[dict[str, Any]]:
    """A CodeSystem for each of our code systems the resources use, in first-use order."""
    prefix = own_system("")
    seen: dict[str, dict[str, str]] = {}
    for resource in resources:
        for coding in _walk_codings(resource):
            system = coding.get("system")
            if isinstance(system, str) and system.startswith(prefix) and coding.get("code"):
                section = system[len(prefix) :]
                seen.setdefault(section, {})
                if coding.get("display"):
                    seen[section].setdefault(str(coding["code"]), str(coding["display"]))
    return [code_system(section, displays) for section, displays in seen.items()]
