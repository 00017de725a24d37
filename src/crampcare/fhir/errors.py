"""One error type for bad FHIR input: one line per problem, each naming the entry and field."""

from __future__ import annotations

from crampcare.errors import Problems


class FhirError(Problems):
    """A FHIR resource or bundle we cannot accept; ``problems`` are lines for a person to read."""
