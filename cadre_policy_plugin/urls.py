"""URLs of the policy plugin (mounted under ``/cadre/`` by the plugin framework)."""
app_name = "cadre_policy"
urlpatterns = []
