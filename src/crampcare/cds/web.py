"""The CDS Hooks router under the name the web app looks for (``crampcare.cds.web:router``)."""

from crampcare.fhir.cds import router

__all__ = ["router"]
