"""Data exchange outside FHIR: REDCap data dictionaries and records, custom instruments,
de-identified research exports (CSV/Parquet) with their codebook.

Nothing here opens a database: services gather the rows (with authorisation and audit) and
hand them to these pure functions.
"""
