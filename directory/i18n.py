"""Names and descriptions in the reader's language: requested language → English → original → any other."""

from django.utils.translation import get_language

FALLBACK_ORDER = ("en", "original", "ru", "zh")


def language_suffixes(language: str | None = None) -> list[str]:
    language = (language or get_language() or "en").split("-")[0].lower()
    return [language] + [code for code in FALLBACK_ORDER if code != language]


def localized(obj, field: str, language: str | None = None) -> str:
    for suffix in language_suffixes(language):
        value = getattr(obj, f"{field}_{suffix}", "")
        if value:
            return value
    return ""
