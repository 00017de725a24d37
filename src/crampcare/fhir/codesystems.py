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


class CodeSystemUse:
    """Which of our code systems resources use (and the displays they show), one resource at a
    time: a streamed export adds each resource as it goes and keeps only this small summary."""

    def __init__(self) -> None:
        self.prefix = own_system("")
        self.seen: dict[str, dict[str, str]] = {}

    def add(self, resource: Any) -> None:
        for coding in _walk_codings(resource):
            system = coding.get("system")
            if isinstance(system, str) and system.startswith(self.prefix) and coding.get("code"):
                displays = self.seen.setdefault(system[len(self.prefix) :], {})
                if coding.get("display"):
                    displays.setdefault(str(coding["code"]), str(coding["display"]))

    def code_systems(self) -> list[dict[str, Any]]:
        """A CodeSystem for each code system seen, in first-use order."""
        return [code_system(section, displays) for section, displays in self.seen.items()]


def code_systems_for(resources: Iterable[Any]) -> list[dict[str, Any]]:
    """A CodeSystem for each of our code systems the resources use, in first-use order."""
    use = CodeSystemUse()
    for resource in resources:
        use.add(resource)
    return use.code_systems()
