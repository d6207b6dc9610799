from django.shortcuts import render

from clusters.models import Cluster
from directory.models import Bloc, Country, Organisation
from technoparks.models import Technopark


def home(request):
    counts = {
        "clusters": Cluster.objects.published().count(),
        "technoparks": Technopark.objects.published().count(),
        "organisations": Organisation.objects.published().count(),
        "countries": Country.objects.count(),
    }
    blocs = Bloc.objects.prefetch_related("memberships__country")
    return render(request, "home.html", {"counts": counts, "blocs": blocs})
