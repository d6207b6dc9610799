from rest_framework.routers import SimpleRouter

from .views import CallViewSet, IdeaViewSet, ProgrammeViewSet, ProjectViewSet

router = SimpleRouter()
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("projects", ProjectViewSet, basename="project")
router.register("ideas", IdeaViewSet, basename="idea")
router.register("calls", CallViewSet, basename="call")

urlpatterns = router.urls
