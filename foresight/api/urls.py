from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("foresight/priorities", views.PriorityViewSet, basename="foresight-priority")
router.register("foresight/priority-lists", views.PriorityListViewSet, basename="foresight-prioritylist")
router.register("foresight/trends", views.TrendViewSet, basename="foresight-trend")
router.register("foresight/specialisations", views.SpecialisationProfileViewSet, basename="foresight-specialisation")
router.register("foresight/indicators", views.IndicatorViewSet, basename="foresight-indicator")
router.register("foresight/indicator-values", views.IndicatorValueViewSet, basename="foresight-indicatorvalue")

urlpatterns = router.urls
