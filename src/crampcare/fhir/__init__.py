"""FHIR R4 (validated with the ``fhir.resources`` R4B models) and CDS Hooks for crampcare.

- :mod:`crampcare.fhir.questionnaire`: the assessment as an SDC ``Questionnaire``; responses back.
- :mod:`crampcare.fhir.resources`: pure mappings (episodes, day logs, medicines, labs, results).
- :mod:`crampcare.fhir.bundle`: a diary as a ``Bundle`` and back; :mod:`crampcare.fhir.validate`.
- :mod:`crampcare.fhir.diary_export`: export and import against the database (the only I/O).
- :mod:`crampcare.fhir.cds`: the CDS Hooks services (a FastAPI router).
"""
