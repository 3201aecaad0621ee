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
    # Articles per extract-and-store task (and transaction). With n_process > 1 make it large: spaCy starts its
    # worker processes anew for every chunk.
    chunk_size: int = 100


class FetchSettings(BaseModel):
    """How dealwire fetches: politely (per-host limits, robots.txt), safely (address guard, caps) and
    patiently (retries with backoff) — see sources/fetch.py."""

    timeout_s: float = 20.0  # the whole exchange, including a body that drips slowly
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 10.0
    max_bytes: int = 10_000_000  # after decompression
    max_redirects: int = 5
    user_agent: str = "dealwire/0.1 (+https://github.com/dealwire/dealwire)"
    per_host_concurrency: int = 4
    per_host_delay_s: float = 0.0  # minimum time between request starts to one host (robots Crawl-delay wins)
    max_retries: int = 3  # for 429, 5xx and connection errors
    backoff_s: float = 1.0  # first retry wait; doubled each time, with jitter
    max_retry_after_s: float = 120.0  # longest Retry-After honoured
    respect_robots: bool = True
    allowed_networks: list[str] = Field(default_factory=list)  # CIDRs exempt from the address guard


class DaskSettings(BaseModel):
    """Spread the extract-and-store chunks of a run over Dask worker processes (prefect-dask's DaskTaskRunner).

    Each worker loads the spaCy pipeline once and keeps it for the whole run, so use it with nlp.n_process = 1."""

    enabled: bool = False
    address: str | None = (
        None  # scheduler of a running cluster, e.g. "tcp://10.0.0.5:8786"; None: a local one
    )
    workers: int = 2  # processes of the local cluster
    host: str = "127.0.0.1"  # where the local cluster listens; loopback keeps it off the network


class ScheduleSettings(BaseModel):
    """When the nightly deployment runs (`dealwire serve`)."""

    cron: str = "0 2 * * *"
    timezone: str = "UTC"


SourceKind = Literal["folder", "urls", "feed", "sitemap", "warc"]


class SourceSettings(BaseModel):
    """A configured source of articles, declared as data in `config/sources.toml`.

    kind: folder (path: a folder of .html/.txt files), urls (urls: article pages), feed (urls: RSS/Atom feeds),
    sitemap (urls: sitemaps, sitemap indexes or Google News sitemaps), warc (path: a WARC file).
    url_filter: a regular expression that article URLs must match (sitemaps list more than articles)."""

    kind: SourceKind
    path: str | None = None
    urls: list[str] = Field(default_factory=list)
    url_filter: str | None = None
    language: str | None = None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="DEALWIRE_",
        env_nested_delimiter="__",
        extra="ignore",
    )

    database_url: str = f"sqlite:///{PROJECT_DIR / 'data' / 'dealwire.db'}"
    nlp: NlpSettings = Field(default_factory=NlpSettings)
    dask: DaskSettings = Field(default_factory=DaskSettings)
    fetch: FetchSettings = Field(default_factory=FetchSettings)
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)
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
        # DEALWIRE_CONFIG names one file holding everything; by default settings and sources are two files.
        chosen = os.environ.get("DEALWIRE_CONFIG")
        files = [Path(chosen)] if chosen else [CONFIG_DIR / "dealwire.toml", CONFIG_DIR / "sources.toml"]
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=files))

    def source_path(self, name: str) -> Path:
        """The file or folder of a `folder` or `warc` source, relative paths taken from the project directory."""

        path = Path(self.sources[name].path or "")
        return path if path.is_absolute() else PROJECT_DIR / path


def get_settings() -> Settings:
    """Read the settings anew (cheap; no module-level cache so tests and runs can change the environment)."""
    return Settings()
