"""What serves a priority: records of upper apps (clusters, technoparks, projects) linked to the taxonomy.

Foresight may not import the apps above it, so each of them registers its model here from its
AppConfig.ready(), naming the many-to-many field that points at Priority:

    from foresight.registry import serving_registry
    serving_registry.register(self.get_model("Cluster"), "technologies", label=_("Clusters"))
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class ServingKind:
    key: str
    model: type[models.Model]
    field: str
    label: str
    order: int

    def queryset(self, priority_ids: Iterable[int], countries: Iterable | None = None) -> models.QuerySet:
        """Public records of this kind linked to any of the given taxonomy nodes (in the given countries)."""
        manager = self.model._default_manager
        queryset = manager.published() if hasattr(manager, "published") else manager.all()
        matching = manager.filter(**{f"{self.field}__in": list(priority_ids)}).values("pk")
        queryset = queryset.filter(pk__in=matching)
        if countries is not None and self.has_country:
            queryset = queryset.filter(country__in=list(countries))
        if self.has_country:
            queryset = queryset.select_related("country")
        return queryset

    @property
    def has_country(self) -> bool:
        return any(f.name == "country" and f.many_to_one for f in self.model._meta.get_fields())


class ServingRegistry:
    def __init__(self) -> None:
        self._kinds: dict[str, ServingKind] = {}

    def register(
        self, model: type[models.Model], field: str, *, label, key: str | None = None, order: int = 100
    ) -> ServingKind:
        """Adds (or replaces, so that a reloaded app does not count twice) the kind of record under its key."""
        remote = model._meta.get_field(field)
        if not remote.many_to_many or remote.related_model._meta.label != "foresight.Priority":
            raise ValueError(f"{model._meta.label}.{field} is not a many-to-many field to foresight.Priority")
        kind = ServingKind(key=key or model._meta.model_name, model=model, field=field, label=label, order=order)
        self._kinds[kind.key] = kind
        return kind

    def unregister(self, key: str) -> None:
        self._kinds.pop(key, None)

    def kinds(self) -> list[ServingKind]:
        return sorted(self._kinds.values(), key=lambda kind: (kind.order, kind.key))


serving_registry = ServingRegistry()
