"""`dealwire extract` end to end through the CLI: formats, many inputs, loopback URLs and bad input."""

import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from dealwire.cli import app
from tests.conftest import SEED, LoopbackSite, Route

runner = CliRunner()


def jsonl(output: str) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_extract_seed_as_json_gives_the_one_deal() -> None:
    result = runner.invoke(app, ["extract", str(SEED), "--format", "json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["source"] == str(SEED)
    assert set(record) >= {"source", "article", "companies", "money", "deals"}
    assert set(record["article"]) >= {"url", "title", "published", "language"}
    [deal] = record["deals"]
    assert set(deal) >= {"type", "status", "parties", "amount", "term", "evidence", "confidence"}
    assert deal["amount"]["usd"] == 10_000_000_000
    assert "Microsoft Corp. is poised to commit $10 billion" in deal["evidence"]


def test_bad_inputs_are_per_input_errors_and_the_rest_is_processed(
    write_file: Callable[[str, bytes], Path], site: LoopbackSite, closed_port_url: str
) -> None:
    site.routes["/deal"] = Route(
        body=(
            b"<html><head><title>Acme to buy Widget</title></head><body><article><p>Acme Corp. agreed to acquire "
            b"Widget Inc. for $2 billion in cash, the companies said on Thursday in a joint statement.</p>"
            b"</article></body></html>"
        )
    )
    inputs = [
        str(write_file("empty.txt", b"")),
        str(write_file("binary.txt", b"\x00\x01\x02\xff" * 100)),
        str(write_file("textless.html", b"<html><body><nav>Home</nav></body></html>")),
        "/no/such/article.html",
        closed_port_url,
        str(SEED),
        site.url("/deal"),
        site.url("/missing"),
    ]
    result = runner.invoke(app, ["extract", *inputs, "--format", "jsonl"])
    assert result.exit_code == 1
    records = jsonl(result.stdout)
    assert [r["source"] for r in records] == inputs
    errors = [r.get("error") for r in records]
    assert errors[0] == "not-article: empty document"
    assert "binary" in errors[1]
    assert "no article text" in errors[2]
    assert "no such file" in errors[3]
    assert errors[4].startswith("connection:")
    assert errors[5] is None and len(records[5]["deals"]) == 1
    assert errors[6] is None
    [deal] = records[6]["deals"]
    assert deal["type"] == "acquisition" and deal["amount"]["usd"] == 2e9
    assert records[6]["article"]["url"] == site.url("/deal")
    assert errors[7] == "http: HTTP 404"


def test_stdin_and_table_output() -> None:
    result = runner.invoke(app, ["extract", "-"], input=SEED.read_text(encoding="utf-8"))
    assert result.exit_code == 0, result.output
    for word in ("contract", "CoreWeave", "supplier", "Microsoft", "customer", "$10 billion"):
        assert word in result.stdout


def test_missing_model_is_one_clear_line(monkeypatch: object) -> None:
    result = runner.invoke(app, ["extract", str(SEED)], env={"DEALWIRE_NLP__MODEL": "no_such_model_xx"})
    assert result.exit_code == 2
    assert "spaCy model 'no_such_model_xx' is not installed" in result.output
    assert "Traceback" not in result.output
