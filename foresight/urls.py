app_name = "foresight"

urlpatterns = []
