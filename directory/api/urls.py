from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("countries", views.CountryViewSet, basename="country")
router.register("blocs", views.BlocViewSet, basename="bloc")
router.register("regions", views.RegionViewSet, basename="region")
router.register("sectors", views.SectorViewSet, basename="sector")
router.register("organisations", views.OrganisationViewSet, basename="organisation")

urlpatterns = router.urls
