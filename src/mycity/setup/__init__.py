"""A city sets itself up: the administrator's commands that span the city's registry,
its people and its catalogue (organisations with their areas, the onboarding checklist).
A plain package of domain commands, beside the domain apps; it has no models."""
