"""Snapshots in words: the review step, the moderators' side-by-side diff and the concurrent-edit message."""

from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.contrib.gis.db.models import GeometryField
from django.db.models import ForeignKey, ManyToManyField, Model
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from directory import workflow


@dataclass
class Line:
    key: str
    label: str
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new


def _label(model: type[Model], key: str) -> str:
    if key in workflow.CHILDREN.get(model._meta.label_lower, {}):
        child = apps.get_model(workflow.CHILDREN[model._meta.label_lower][key].model)
        return capfirst(str(child._meta.verbose_name_plural))
    return capfirst(str(model._meta.get_field(key).verbose_name))


class _Names:
    """Names of the related records a set of snapshots mentions, loaded in one query per model."""

    def __init__(self, model: type[Model], snapshots: list[dict]):
        wanted: dict[type[Model], set[int]] = defaultdict(set)
        for data in snapshots:
            for key, value in data.items():
                related = self._related(model, key)
                if related is None or value in (None, ""):
                    continue
                if isinstance(value, list):
                    for item in value:
                        wanted[related].add(item["organisation"] if isinstance(item, dict) else item)
                else:
                    wanted[related].add(value)
        self.names = {
            related: {obj.pk: str(obj) for obj in self._queryset(related).filter(pk__in=ids)}
            for related, ids in wanted.items()
        }

    @staticmethod
    def _queryset(related):
        geometry = [f.name for f in related._meta.concrete_fields if isinstance(f, GeometryField)]
        return related._default_manager.defer(*geometry)

    @staticmethod
    def _related(model: type[Model], key: str):
        children = workflow.CHILDREN.get(model._meta.label_lower, {})
        if key in children:
            child = apps.get_model(children[key].model)
            return (
                child._meta.get_field("organisation").related_model if "organisation" in children[key].fields else None
            )
        try:
            field = model._meta.get_field(key)
        except Exception:  # noqa: BLE001 - a key of an older snapshot that the model no longer has
            return None
        if isinstance(field, ForeignKey | ManyToManyField):
            return field.related_model
        return None

    def name(self, related, pk) -> str:
        return self.names.get(related, {}).get(pk, f"#{pk}")


def _show(model: type[Model], key: str, value, names: _Names) -> str:
    if value in (None, "", []):
        return ""
    children = workflow.CHILDREN.get(model._meta.label_lower, {})
    related = names._related(model, key)
    if key in children:
        child = apps.get_model(children[key].model)
        return "\n".join(_row(row, related, names, child) for row in value)
    field = model._meta.get_field(key)
    if isinstance(field, ManyToManyField):
        return ", ".join(sorted(names.name(related, pk) for pk in value))
    if isinstance(field, ForeignKey):
        return names.name(related, value)
    if isinstance(field, GeometryField):
        return _("longitude %(lon)s, latitude %(lat)s") % {"lon": value[0], "lat": value[1]}
    if field.choices:
        choices = dict(field.flatchoices)
        return str(choices.get(value, value))
    if isinstance(value, list):
        base_choices = dict(getattr(getattr(field, "base_field", None), "flatchoices", []) or [])
        return ", ".join(str(base_choices.get(item, item)) for item in value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _row(row: dict, related, names: _Names, child: type[Model]) -> str:
    parts = []
    for key, value in row.items():
        if key == "id" or value in (None, ""):
            continue
        if key == "organisation":
            parts.insert(0, names.name(related, value))
            continue
        field = child._meta.get_field(key)
        if field.choices:
            value = dict(field.flatchoices).get(value, value)
        parts.append(f"{field.verbose_name}: {value}")
    return " · ".join(parts)


def _keys(model: type[Model], snapshots: list[dict]) -> list[str]:
    keys: list[str] = []
    for data in snapshots:
        keys.extend(key for key in data if key not in keys)
    return keys


def describe(model: type[Model], data: dict, keys=None) -> list[Line]:
    names = _Names(model, [data])
    return [
        Line(key, _label(model, key), "", _show(model, key, data.get(key), names))
        for key in (keys or _keys(model, [data]))
        if data.get(key) not in (None, "", [])
    ]


def diff(model: type[Model], old: dict, new: dict) -> list[Line]:
    """Every field of either snapshot, side by side; `changed` marks the ones that differ."""
    names = _Names(model, [old, new])
    return [
        Line(key, _label(model, key), _show(model, key, old.get(key), names), _show(model, key, new.get(key), names))
        for key in _keys(model, [old, new])
        if old.get(key) not in (None, "", []) or new.get(key) not in (None, "", [])
    ]
