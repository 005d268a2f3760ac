"""Settings merged into the LMS by edx-django-utils' plugin_settings."""
