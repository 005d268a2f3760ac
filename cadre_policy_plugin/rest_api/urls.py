"""REST API URLs (filled in below)."""
urlpatterns = []
