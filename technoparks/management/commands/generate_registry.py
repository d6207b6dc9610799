"""Fills the registry with synthetic organisations, clusters and technoparks, or removes them again."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from directory.models import Country
from technoparks import synthetic

DEFAULTS = {"clusters": 100, "organisations": 2000, "technoparks": 200}


class Command(BaseCommand):
    help = _(
        "Generates a synthetic registry (marked as such) inside the loaded countries' boundaries, e.g. "
        "--clusters 10000 --organisations 200000 --technoparks 20000 --seed 42. With --clear alone, removes the "
        "synthetic records and nothing else."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clusters", type=int, help=_("How many clusters (default %d).") % DEFAULTS["clusters"])
        parser.add_argument(
            "--organisations",
            type=int,
            help=_("How many organisations (default %d).") % DEFAULTS["organisations"],
        )
        parser.add_argument(
            "--technoparks", type=int, help=_("How many technoparks (default %d).") % DEFAULTS["technoparks"]
        )
        parser.add_argument("--seed", type=int, default=42, help=_("The same seed gives the same registry."))
        parser.add_argument(
            "--countries",
            default="",
            help=_("ISO alpha-2 codes separated by commas (default: the blocs' current members)."),
        )
        parser.add_argument("--clear", action="store_true", help=_("Remove earlier synthetic records first."))

    def handle(self, *args, **options):
        asked = {name: options[name] for name in DEFAULTS}
        clear_only = options["clear"] and all(value is None for value in asked.values())
        counts = {name: DEFAULTS[name] if value is None else value for name, value in asked.items()}
        countries = [code.strip().upper() for code in options["countries"].split(",") if code.strip()]
        if not clear_only:
            self._check(counts, countries, options["seed"], options["clear"])

        if options["clear"]:
            removed = synthetic.clear_synthetic()
            summary = ", ".join(f"{count:,} {label}" for label, count in removed.items())
            self.stdout.write(_("Removed synthetic records: %(summary)s.") % {"summary": summary})
        if clear_only:
            return

        # The progress bar redraws its line with a carriage return: no newline after each write.
        self.stderr.ending = ""
        result = synthetic.generate_registry(
            clusters=counts["clusters"],
            organisations=counts["organisations"],
            technoparks=counts["technoparks"],
            seed=options["seed"],
            country_codes=countries or None,
            stream=self.stderr,
        )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Generated %(organisations)s organisations, %(clusters)s clusters with %(memberships)s "
                    "memberships, %(technoparks)s technoparks with %(residencies)s residencies in %(seconds).1f s."
                )
                % {
                    "organisations": f"{result.organisations:,}",
                    "clusters": f"{result.clusters:,}",
                    "memberships": f"{result.memberships:,}",
                    "technoparks": f"{result.technoparks:,}",
                    "residencies": f"{result.residencies:,}",
                    "seconds": result.seconds,
                }
            )
        )

    def _check(self, counts: dict[str, int], countries: list[str], seed: int, clear: bool) -> None:
        """Refuses bad arguments before anything is written."""
        for name, value in counts.items():
            if value < 0:
                raise CommandError(
                    _("--%(name)s must be zero or more, not %(value)d.") % {"name": name, "value": value}
                )
        if seed < 0:
            raise CommandError(_("--seed must be zero or more, not %(value)d.") % {"value": seed})
        if counts["clusters"] and counts["organisations"] < synthetic.MIN_MEMBERS:
            raise CommandError(
                _("Clusters need members: ask for at least %(count)d organisations.") % {"count": synthetic.MIN_MEMBERS}
            )
        if counts["technoparks"] and not counts["organisations"]:
            raise CommandError(_("Technoparks need an operator and residents: ask for some organisations too."))
        known = set(Country.objects.filter(iso2__in=countries).values_list("iso2", flat=True))
        if unknown := sorted(set(countries) - known):
            raise CommandError(_("Unknown country codes: %(codes)s.") % {"codes": ", ".join(unknown)})
        if not Country.objects.exists():
            raise CommandError(_("No countries are loaded: load the reference data first."))
        if not clear and synthetic.synthetic_exists(seed):
            raise CommandError(
                _("Synthetic records of seed %(seed)d exist already: add --clear to replace them.") % {"seed": seed}
            )
