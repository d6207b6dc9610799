from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("technoparks", views.TechnoparkViewSet, basename="technopark")
router.register("residencies", views.ResidencyViewSet, basename="residency")
router.register("pool-memberships", views.PoolMembershipViewSet, basename="pool-membership")

urlpatterns = router.urls

# --- SCO Pool: Managing Commission ---
from .pool import (  # noqa: E402
    CommissionMeetingViewSet,
    CommissionReportViewSet,
    CommissionRepresentativeViewSet,
    DecisionViewSet,
)

pool_router = SimpleRouter()
pool_router.register("pool/representatives", CommissionRepresentativeViewSet, basename="pool-representative")
pool_router.register("pool/meetings", CommissionMeetingViewSet, basename="pool-meeting")
pool_router.register("pool/decisions", DecisionViewSet, basename="pool-decision")
pool_router.register("pool/reports", CommissionReportViewSet, basename="pool-report")
urlpatterns += pool_router.urls
