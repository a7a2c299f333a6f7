"""Use cases. Every function takes ``(uow, actor, ...)``, checks authorisation itself
(:mod:`atlaxis.services.authz`), appends audit events (:mod:`atlaxis.services.audit`) and
never commits: the edge (API request, CLI command) commits the unit of work once."""
