"""Settings merged into the LMS/Studio by edx-django-utils' plugin_settings."""
