"""Configuration: settings (TOML + environment) and the data files the extractors and sources read."""

from config.settings import CONFIG_DIR, Settings, get_settings

__all__ = ["CONFIG_DIR", "Settings", "get_settings"]
