"""The bundled regional policy packs (YAML data files, one per region and version)."""
