"""Every user-facing string is translated into every interface language, and the compiled catalogues are current."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils.translation import to_locale

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIRS = ["eaeu_portal", "directory", "foresight", "clusters", "technoparks", "projects", "templates"]
TRANSLATED_LANGUAGES = [code for code, _ in settings.LANGUAGES if code != "en"]


def catalogue(language: str, domain: str = "django") -> Path:
    return ROOT / "locale" / to_locale(language) / "LC_MESSAGES" / f"{domain}.po"


@pytest.fixture(scope="module")
def extracted_msgids(tmp_path_factory) -> dict[str, set[str]]:
    """The strings the source asks to translate, extracted afresh into a scratch copy of the project."""
    scratch = tmp_path_factory.mktemp("messages")
    for name in [*SOURCE_DIRS, "manage.py"]:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, scratch / name, ignore=shutil.ignore_patterns("tests", "__pycache__", "migrations"))
        elif source.exists():
            shutil.copy(source, scratch / name)
    (scratch / "locale").mkdir()
    extracted = {}
    for domain, extra in (("django", ["-e", "html,txt,py"]), ("djangojs", [])):
        subprocess.run(
            [
                sys.executable,
                str(scratch / "manage.py"),
                "makemessages",
                "-l",
                "en",
                "-d",
                domain,
                "--no-location",
                "--no-obsolete",
                *extra,
            ],
            cwd=scratch,
            check=True,
            capture_output=True,
            timeout=300,
            env={
                "DJANGO_SETTINGS_MODULE": "eaeu_portal.settings.test",
                "PATH": "/usr/bin:/bin",
                "PYTHONPATH": str(ROOT),
            },
        )
        po = scratch / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"
        extracted[domain] = {entry.msgid for entry in polib.pofile(str(po))} if po.exists() else set()
    return extracted


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_every_source_string_has_a_translation(language, extracted_msgids):
    for domain, msgids in extracted_msgids.items():
        if not msgids:
            continue
        path = catalogue(language, domain)
        assert path.exists(), f"{path} is missing: run manage.py makemessages -l {to_locale(language)}"
        po = polib.pofile(str(path))
        translated = {entry.msgid for entry in po.translated_entries() if "fuzzy" not in entry.flags}
        missing = sorted(msgids - translated)
        assert not missing, f"{len(missing)} {domain} strings lack a {language} translation, e.g. {missing[:10]}"


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_compiled_catalogues_match_their_sources(language):
    po_paths = list((ROOT / "locale" / to_locale(language) / "LC_MESSAGES").glob("*.po"))
    assert po_paths, f"no catalogue for {language}"
    for po_path in po_paths:
        mo_path = po_path.with_suffix(".mo")
        assert mo_path.exists(), f"{mo_path.name} is not compiled: run manage.py compilemessages"
        po = {e.msgid: e.msgstr for e in polib.pofile(str(po_path)).translated_entries() if "fuzzy" not in e.flags}
        mo = {e.msgid: e.msgstr for e in polib.mofile(str(mo_path)) if e.msgid}
        assert po == mo, f"{mo_path.name} is stale: run manage.py compilemessages"
