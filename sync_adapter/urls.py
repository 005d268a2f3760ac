"""URLs of the sync adapter (mounted under ``/cadre-sync/``)."""
app_name = "cadre_sync"
urlpatterns = []
