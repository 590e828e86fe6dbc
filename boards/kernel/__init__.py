"""The kernel of the platform: the tenant and its scope (django-scopes and PostgreSQL row-level
security), roles and the caller, the working-day calendar, the evidence log, deadlines,
notifications, files, filings, the API base and the workflow-step mechanism.

The kernel names no domain module. Apps register what they bring (configuration sections,
modules, demo seeders, providers) in their AppConfig.ready; see README "Architecture"."""
