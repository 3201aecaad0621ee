"""Settings: the TOML file, overridden by DEALWIRE_ environment variables (nested with __)."""

from pathlib import Path

import pytest

from config.settings import get_settings


def test_defaults_come_from_the_toml_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DEALWIRE_DATABASE_URL", raising=False)
    settings = get_settings()
    assert settings.database_url.endswith("data/dealwire.db")
    assert settings.sources["sample"].kind == "folder"
    assert settings.source_path("sample").is_dir()


def test_environment_overrides_nested_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEALWIRE_NLP__BATCH_SIZE", "64")
    monkeypatch.setenv("DEALWIRE_FETCH__TIMEOUT_S", "2.5")
    monkeypatch.setenv("DEALWIRE_DATABASE_URL", "postgresql+psycopg://127.0.0.1/x")
    settings = get_settings()
    assert (settings.nlp.batch_size, settings.fetch.timeout_s) == (64, 2.5)
    assert settings.database_url == "postgresql+psycopg://127.0.0.1/x"


def test_another_toml_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "other.toml"
    config.write_text('[sources.news]\nkind = "urls"\nurls = ["https://example.com/a"]\n')
    monkeypatch.setenv("DEALWIRE_CONFIG", str(config))
    settings = get_settings()
    assert list(settings.sources) == ["news"]
    assert settings.sources["news"].urls == ["https://example.com/a"]
