"""Reference data and helpers shared by the open-data tests: Russia and Kazakhstan with the regions, sectors and
blocs the files in tests/data/opendata use."""

import datetime
from dataclasses import dataclass
from pathlib import Path

import pytest

from clusters.tests.factories import PriorityFactory
from directory.tests.factories import (
    BlocFactory,
    BlocMembershipFactory,
    DivisionFactory,
    RegionFactory,
    SectorFactory,
    kazakhstan,
    russia,
)
from eaeu_portal.opendata.catalogue import import_kinds
from eaeu_portal.opendata.importing import run_import, suggest_mapping
from eaeu_portal.opendata.readers import format_from_name, inspect_file, open_source

DATA = Path(__file__).resolve().parents[2] / "tests" / "data" / "opendata"


@dataclass
class Registry:
    russia: object
    kazakhstan: object
    tatarstan: object
    moscow: object
    almaty: object
    eaeu: object
    sco: object


@pytest.fixture
def registry(db) -> Registry:
    ru, kz = russia(), kazakhstan()
    manufacturing = SectorFactory(code="C", name_en="Manufacturing")
    ict = SectorFactory(code="J", name_en="Information and communication")
    for code in ("20", "26", "29"):
        DivisionFactory(code=code, parent=manufacturing)
    for code in ("61", "62"):
        DivisionFactory(code=code, parent=ict)
    PriorityFactory(code="AI", name_en="Artificial intelligence")
    eaeu = BlocFactory(code="eaeu", name_en="Eurasian Economic Union", abbreviation_en="EAEU")
    sco = BlocFactory(code="sco", name_en="Shanghai Cooperation Organisation", abbreviation_en="SCO")
    for bloc in (eaeu, sco):
        for country in (ru, kz):
            BlocMembershipFactory(bloc=bloc, country=country, joined_on=datetime.date(2015, 1, 1))
    return Registry(
        russia=ru,
        kazakhstan=kz,
        tatarstan=RegionFactory(country=ru, iso_code="RU-TA", name_en="Tatarstan"),
        moscow=RegionFactory(country=ru, iso_code="RU-MOW", name_en="Moscow"),
        almaty=RegionFactory(country=kz, iso_code="KZ-ALA", name_en="Almaty"),
        eaeu=eaeu,
        sco=sco,
    )


def import_file(
    kind_key: str,
    path: Path,
    *,
    dry_run: bool = False,
    publish: bool = False,
    only_valid: bool = False,
    encoding: str = "utf-8",
    mapping: dict | None = None,
    user=None,
    job_id: str = "test-job",
):
    """Runs the import engine on a file the way the pages do: checked, mapped by name, then imported."""
    kind = import_kinds()[kind_key]
    summary = inspect_file(path, declared_format=format_from_name(path.name), encoding=encoding)
    return run_import(
        kind,
        open_source(path, summary.format, summary.encoding),
        mapping if mapping is not None else suggest_mapping(kind, summary.header),
        file_name=path.name,
        job_id=job_id,
        dry_run=dry_run,
        publish=publish,
        only_valid=only_valid,
        user=user,
        total=summary.rows,
    )


def outcomes(report) -> dict[int, tuple[str, list[str]]]:
    return {row.row: (row.action, row.messages) for row in report.rows}
