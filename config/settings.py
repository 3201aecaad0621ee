"""Settings from `config/dealwire.toml`, overridden by `DEALWIRE_*` environment variables.

Nested keys use `__`: `DEALWIRE_NLP__MODEL=en_core_web_md`, `DEALWIRE_FETCH__TIMEOUT_S=5`.
A different TOML file can be chosen with `DEALWIRE_CONFIG=/path/to/file.toml`.
"""

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

CONFIG_DIR = Path(__file__).resolve().parent
PROJECT_DIR = CONFIG_DIR.parent


class NlpSettings(BaseModel):
    # None means: the official en_core_web_sm when installed, else the pinned PyPI re-upload of it.
    model: str | None = None
    batch_size: int = 16
    n_process: int = 1


class FetchSettings(BaseModel):
    timeout_s: float = 20.0
    connect_timeout_s: float = 5.0
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    user_agent: str = "dealwire/0.1 (+https://github.com/dealwire/dealwire)"


SourceKind = Literal["folder", "urls", "feed"]


class SourceSettings(BaseModel):
    """A configured source of articles, declared as data (see `config/dealwire.toml`)."""

    kind: SourceKind
    path: str | None = None
    urls: list[str] = Field(default_factory=list)
    language: str | None = None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="DEALWIRE_",
        env_nested_delimiter="__",
        extra="ignore",
    )

    database_url: str = f"sqlite:///{PROJECT_DIR / 'data' / 'dealwire.db'}"
    nlp: NlpSettings = Field(default_factory=NlpSettings)
    fetch: FetchSettings = Field(default_factory=FetchSettings)
    sources: dict[str, SourceSettings] = Field(default_factory=dict)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = Path(os.environ.get("DEALWIRE_CONFIG", CONFIG_DIR / "dealwire.toml"))
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=toml_file))

    def source_path(self, name: str) -> Path:
        """The folder of a `folder` source, relative paths taken from the project directory."""
        path = Path(self.sources[name].path or "")
        return path if path.is_absolute() else PROJECT_DIR / path


def get_settings() -> Settings:
    """Read the settings anew (cheap; no module-level cache so tests and runs can change the environment)."""
    return Settings()
