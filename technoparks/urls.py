app_name = "technoparks"

urlpatterns = []
