"""Loads the foresight reference data: taxonomy, priority lists, trends, smart specialisation, S&T statistics.

Idempotent: records are matched on natural keys and saved only when something differs, so a second run
changes nothing. Countries, blocs, regions and sectors must already be loaded (`manage.py load_reference`);
records that need a missing one are skipped with a warning.
"""

import csv
import io
import json
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from directory.models import Bloc, Country, Region, Sector
from foresight.choices import PriorityListScope
from foresight.models import (
    Indicator,
    Priority,
    PriorityList,
    PriorityListEntry,
    SpecialisationGoal,
    SpecialisationPriority,
    SpecialisationProfile,
    SpecialisationSector,
    Stakeholder,
    SwotItem,
    Trend,
    TrendSignal,
)
from foresight.services import indicator_values_import, record_upsert

DATA_DIR = Path(settings.BASE_DIR) / "fixtures" / "foresight"


class Command(BaseCommand):
    help = "Load the S&T priority taxonomy, priority lists, trends, smart specialisation and S&T statistics."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="Folder with the foresight data files.")
        parser.add_argument(
            "--indicator-csv",
            type=Path,
            help="Load only this CSV of indicator values (columns: indicator, area, year, value, unit, source, "
            "approximate); every line must be valid or nothing is loaded.",
        )

    def handle(self, *args, data_dir: Path, indicator_csv: Path | None = None, **options):
        self.counts: Counter = Counter()
        self.skipped: list[str] = []
        if indicator_csv:
            self._load_user_csv(indicator_csv)
            return
        if not data_dir.is_dir():
            raise CommandError(f"No data folder at {data_dir}.")
        with transaction.atomic():
            self._load_taxonomy(data_dir / "taxonomy.json")
            self._load_lists(data_dir / "priority_lists.json")
            self._load_trends(data_dir / "trends.json")
            self._load_specialisation(data_dir / "specialisation.json")
            self._load_indicators(data_dir / "indicators.json", data_dir / "indicator_values.csv")
        for message in self.skipped:
            self.stderr.write(self.style.WARNING(message))
        self.stdout.write(
            self.style.SUCCESS(
                "Foresight data: {created} created, {updated} updated, {unchanged} unchanged.".format(
                    created=self.counts["created"], updated=self.counts["updated"], unchanged=self.counts["unchanged"]
                )
            )
        )

    # --- helpers ------------------------------------------------------------------------------------
    def _upsert(self, model, lookup, values):
        try:
            instance, status = record_upsert(model=model, lookup=lookup, values=values)
        except ValidationError as exc:
            raise CommandError(f"{model.__name__} {lookup}: {'; '.join(exc.messages)}") from exc
        self.counts[status] += 1
        return instance

    @staticmethod
    def _read_json(path: Path):
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise CommandError(f"Missing data file {path}.") from exc
        except json.JSONDecodeError as exc:
            raise CommandError(f"{path.name} is not valid JSON: {exc}") from exc

    # --- taxonomy --------------------------------------------------------------------------------------
    def _load_taxonomy(self, path: Path):
        data = self._read_json(path)
        sources = data["sources"]
        nodes = {}
        for node in data["nodes"]:
            parent = nodes.get(node.get("parent")) if node.get("parent") else None
            if node.get("parent") and parent is None:
                raise CommandError(
                    f"{path.name}: {node['code']} names the parent {node['parent']} before it is defined."
                )
            nodes[node["code"]] = self._upsert(
                Priority,
                {"code": node["code"]},
                {
                    "level": node["level"],
                    "parent": parent,
                    "name_en": node["en"],
                    "name_ru": node["ru"],
                    "name_zh": node.get("zh", ""),
                    "source_note": "\n".join(sources[key] for key in node.get("sources", [])),
                },
            )
        self.priorities = {p.code: p for p in Priority.objects.all()}

    def _priority(self, code: str, where: str) -> Priority:
        try:
            return self.priorities[code]
        except KeyError:
            raise CommandError(f"{where}: unknown priority code {code}.") from None

    # --- lists -----------------------------------------------------------------------------------------
    def _load_lists(self, path: Path):
        countries = {c.iso2: c for c in Country.objects.all()}
        blocs = {b.code: b for b in Bloc.objects.all()}
        for item in self._read_json(path):
            national = item["scope"] == PriorityListScope.NATIONAL
            owner = countries.get(item.get("country")) if national else blocs.get(item.get("bloc"))
            if owner is None:
                self.skipped.append(
                    f"Skipped the list {item['code']}: {'country' if national else 'bloc'} "
                    f"{item.get('country') or item.get('bloc')} is not loaded (run load_reference first)."
                )
                continue
            priority_list = self._upsert(
                PriorityList,
                {"code": item["code"]},
                {
                    "scope": item["scope"],
                    "country": owner if national else None,
                    "bloc": None if national else owner,
                    "year_adopted": item["year_adopted"],
                    "name_en": item["en"],
                    "name_ru": item["ru"],
                    "source_document": item["source_document"],
                    "source_url": item.get("source_url", ""),
                    "is_approximate": item.get("approximate", False),
                    "is_current": item.get("current", True),
                },
            )
            kept = []
            for position, (code, wording) in enumerate(item["entries"], start=1):
                priority = self._priority(code, item["code"])
                entry = self._upsert(
                    PriorityListEntry,
                    {"priority_list": priority_list, "priority": priority},
                    {
                        "position": position,
                        "wording": wording or priority.name_ru,
                    },
                )
                kept.append(entry.pk)
            stale = PriorityListEntry.objects.filter(priority_list=priority_list).exclude(pk__in=kept)
            if stale.exists():
                deleted, _detail = stale.delete()
                self.counts["updated"] += deleted

    # --- trends ----------------------------------------------------------------------------------------
    def _load_trends(self, path: Path):
        for item in self._read_json(path):
            trend = self._upsert(
                Trend,
                {"code": item["code"]},
                {
                    "horizon_year": item["horizon_year"],
                    "impact": item["impact"],
                    "name_en": item["en"],
                    "name_ru": item["ru"],
                    "description_en": item.get("description_en", ""),
                    "description_ru": item.get("description_ru", ""),
                    "is_demo": item.get("demo", False),
                    "source_note": item.get("source_note", ""),
                },
            )
            wanted = {self._priority(code, item["code"]).pk for code in item.get("priorities", [])}
            if set(trend.priorities.values_list("pk", flat=True)) != wanted:
                trend.priorities.set(wanted)
                self.counts["updated"] += 1
            for title, source, url, observed_on in item.get("signals", []):
                self._upsert(
                    TrendSignal,
                    {"trend": trend, "title": title, "observed_on": observed_on},
                    {"source": source, "url": url},
                )

    # --- smart specialisation ---------------------------------------------------------------------------
    def _load_specialisation(self, path: Path):
        sectors = {s.code: s for s in Sector.objects.all()}
        for item in self._read_json(path):
            region = Region.objects.filter(iso_code=item["region"]).first()
            if region is None:
                self.skipped.append(
                    f"Skipped the smart specialisation of {item['region']}: the region is not loaded "
                    "(run load_reference first)."
                )
                continue
            profile = self._upsert(
                SpecialisationProfile,
                {"region": region},
                {
                    "summary_en": item.get("summary_en", ""),
                    "summary_ru": item.get("summary_ru", ""),
                    "strategy_document": item.get("strategy_document", ""),
                    "adopted_year": item.get("adopted_year"),
                    "is_demo": item.get("demo", False),
                    "source_note": item.get("source_note", ""),
                },
            )
            for code, strength, rationale_en, rationale_ru in item.get("priorities", []):
                self._upsert(
                    SpecialisationPriority,
                    {"profile": profile, "priority": self._priority(code, item["region"])},
                    {"strength": strength, "rationale_en": rationale_en, "rationale_ru": rationale_ru},
                )
            for code, strength, rationale_en, rationale_ru in item.get("sectors", []):
                sector = sectors.get(code)
                if sector is None:
                    self.skipped.append(f"Skipped the sector {code} of {item['region']}: not loaded.")
                    continue
                self._upsert(
                    SpecialisationSector,
                    {"profile": profile, "sector": sector},
                    {"strength": strength, "rationale_en": rationale_en, "rationale_ru": rationale_ru},
                )
            # Non-leaders first, so that a change of leader never meets the one-leader rule half-way.
            stakeholders = sorted(item.get("stakeholders", []), key=lambda s: s[4])
            for name, helix, current_role, agreed_role, is_leader in stakeholders:
                self._upsert(
                    Stakeholder,
                    {"profile": profile, "name": name},
                    {
                        "helix": helix,
                        "current_role": current_role,
                        "agreed_role": agreed_role,
                        "is_leader": is_leader,
                    },
                )
            for year, title_en, title_ru, target, status, priority_code in item.get("goals", []):
                self._upsert(
                    SpecialisationGoal,
                    {"profile": profile, "year": year, "title_en": title_en},
                    {
                        "title_ru": title_ru,
                        "target": target,
                        "status": status,
                        "priority": self._priority(priority_code, item["region"]) if priority_code else None,
                    },
                )
            for kind, texts in item.get("swot", {}).items():
                for position, (text_en, text_ru) in enumerate(texts, start=1):
                    self._upsert(
                        SwotItem,
                        {"profile": profile, "kind": kind, "position": position},
                        {"text_en": text_en, "text_ru": text_ru},
                    )

    # --- S&T statistics ---------------------------------------------------------------------------------
    def _load_indicators(self, definitions: Path, values: Path):
        for item in self._read_json(definitions):
            self._upsert(
                Indicator,
                {"code": item["code"]},
                {
                    "unit": item["unit"],
                    "manual": item["manual"],
                    "sort_order": item.get("order", 0),
                    "name_en": item["en"],
                    "name_ru": item["ru"],
                    "description_en": item.get("description_en", ""),
                    "description_ru": item.get("description_ru", ""),
                    "source": item.get("source", ""),
                },
            )
        text = values.read_text(encoding="utf-8")
        # The seed covers every member state; keep only lines whose country or region is loaded.
        reader = csv.DictReader(io.StringIO(text))
        known = set(Country.objects.values_list("iso2", flat=True)) | set(
            Region.objects.values_list("iso_code", flat=True)
        )
        kept_lines, missing = [], Counter()
        for row in reader:
            if row["area"].upper() in known:
                kept_lines.append(row)
            else:
                missing[row["area"]] += 1
        if missing:
            self.skipped.append(
                "Skipped indicator values of areas not loaded: "
                + ", ".join(f"{code} ({count})" for code, count in sorted(missing.items()))
            )
        if not kept_lines:
            return
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=reader.fieldnames)
        writer.writeheader()
        writer.writerows(kept_lines)
        self._import_csv(buffer.getvalue(), values.name)

    def _import_csv(self, text: str, name: str):
        try:
            result = indicator_values_import(text=text)
        except ValidationError as exc:
            raise CommandError(f"{name} was not loaded:\n" + "\n".join(exc.messages)) from exc
        self.counts["created"] += result.created
        self.counts["updated"] += result.updated
        self.counts["unchanged"] += result.unchanged
        return result

    def _load_user_csv(self, path: Path):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError as exc:
            raise CommandError(f"No file at {path}.") from exc
        result = self._import_csv(text, path.name)
        self.stdout.write(
            self.style.SUCCESS(
                f"{path.name}: {result.created} created, {result.updated} updated, {result.unchanged} unchanged."
            )
        )
