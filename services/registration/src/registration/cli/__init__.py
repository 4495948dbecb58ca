"""Operator command lines of the registration service: ``registration-event`` (publish an event from a YAML file)
and ``registration-import`` (publish registrations from a CSV or XLSX export)."""
