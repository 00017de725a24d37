"""CDS Hooks: the services live in :mod:`crampcare.fhir.cds`; :mod:`crampcare.cds.web` plugs them in."""
