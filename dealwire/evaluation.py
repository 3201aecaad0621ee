"""Scoring the extractor against the labeled corpus in `tests/eval/` (see tests/eval/LABELING.md).

Metrics (micro-averaged over the corpus):
- deal detection: a predicted deal matches a labeled one when the type family agrees and at least one party
  is the same company (precision, recall, F1);
- full records: a matched deal whose type, parties with roles, amount (within 2%, same currency) and status are
  all right (precision, recall, F1);
- companies: the set of companies of each article (precision, recall, F1);
- parties: (company, role) pairs within matched deals (precision, recall, F1);
- amount / status / type accuracy on matched deals;
- false deals: predicted deals in the articles labeled with no deal.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from extractors.article import Article, parse_document
from extractors.deal_types import TYPE_FAMILY as BASE_FAMILY
from extractors.gazetteer import load_gazetteer
from extractors.names import name_key
from sources.documents import RawDocument

# Scoring counts a deal as detected within its family; partnerships and joint ventures are one family here because
# labelers and the extractor draw the line between them differently, and the full-record score checks the type.
TYPE_FAMILY = BASE_FAMILY | {"partnership": "alliance", "joint_venture": "alliance"}
AMOUNT_TOLERANCE = 0.02


@dataclass(frozen=True)
class LabeledArticle:
    id: str
    text: str
    label: dict[str, Any]


def load_corpus(folder: Path) -> list[LabeledArticle]:
    """Every `<id>.txt` with its `<id>.json` label, sorted by id."""
    articles = []
    for label_path in sorted(folder.glob("*.json")):
        text_path = label_path.with_suffix(".txt")
        if not text_path.exists():
            continue
        label = json.loads(label_path.read_text(encoding="utf-8"))
        articles.append(LabeledArticle(label_path.stem, text_path.read_text(encoding="utf-8"), label))
    return articles


def corpus_articles(corpus: list[LabeledArticle]) -> list[Article]:
    """The corpus texts as `dealwire extract` sees a .txt file, dated by their labels (for USD conversion)."""
    articles = []
    for item in corpus:
        raw = RawDocument(
            source=item.id, url=item.id, content=item.text.encode("utf-8"), content_type="text/plain"
        )
        parsed = parse_document(raw)
        if not isinstance(parsed, Article):
            raise ValueError(f"corpus article {item.id} does not parse: {parsed.reason}")
        published = date.fromisoformat(item.label["published"]) if item.label.get("published") else None
        articles.append(replace(parsed, published=published))
    return articles


def corpus_hash(folder: Path) -> str:
    """SHA-256 over the corpus files, so floors are tied to the corpus they were measured on."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.txt")) + sorted(folder.glob("*.json")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def same_company(a: str, b: str) -> bool:
    """Same normalised name, same gazetteer entry, or one name a word-prefix of the other."""
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    gazetteer = load_gazetteer()
    known_a, known_b = gazetteer.by_key.get(ka), gazetteer.by_key.get(kb)
    if known_a is not None and known_a == known_b:
        return True
    short, long_ = sorted((ka.split(), kb.split()), key=len)
    return long_[: len(short)] == short and len(short[0]) > 2


def amount_matches(predicted: dict[str, Any] | None, gold: dict[str, Any] | None) -> bool:
    if not gold or gold.get("value") is None:
        return not predicted or predicted.get("value") is None
    if not predicted or predicted.get("value") is None:
        return False
    if predicted.get("currency") != gold.get("currency"):
        return False
    return abs(predicted["value"] - gold["value"]) <= AMOUNT_TOLERANCE * abs(gold["value"])


def party_overlap(predicted: dict[str, Any], gold: dict[str, Any]) -> int:
    return sum(any(same_company(p["name"], g["name"]) for g in gold["parties"]) for p in predicted["parties"])


def roles_match(predicted: dict[str, Any], gold: dict[str, Any]) -> tuple[int, int, int]:
    """(correct, predicted, gold) counts of (company, role) pairs."""
    correct = sum(
        any(same_company(p["name"], g["name"]) and p["role"] == g["role"] for g in gold["parties"])
        for p in predicted["parties"]
    )
    return correct, len(predicted["parties"]), len(gold["parties"])


def match_deals(predicted: list[dict[str, Any]], gold: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """Greedy one-to-one matching by (same type, shared parties), for pairs of the same type family that share
    at least one party."""
    candidates = []
    for i, p in enumerate(predicted):
        for j, g in enumerate(gold):
            if TYPE_FAMILY[p["type"]] != TYPE_FAMILY[g["type"]]:
                continue
            overlap = party_overlap(p, g)
            if overlap:
                candidates.append((p["type"] == g["type"], overlap, -i, -j, i, j))
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for *_, i, j in sorted(candidates, reverse=True):
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            pairs.append((i, j))
    return pairs


@dataclass
class Counts:
    tp: int = 0
    predicted: int = 0
    gold: int = 0

    def add(self, tp: int, predicted: int, gold: int) -> None:
        self.tp += tp
        self.predicted += predicted
        self.gold += gold

    def scores(self) -> dict[str, float]:
        precision = self.tp / self.predicted if self.predicted else 1.0
        recall = self.tp / self.gold if self.gold else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


@dataclass
class Evaluation:
    detection: Counts = field(default_factory=Counts)
    full: Counts = field(default_factory=Counts)
    companies: Counts = field(default_factory=Counts)
    parties: Counts = field(default_factory=Counts)
    matched: int = 0
    amount_right: int = 0
    status_right: int = 0
    type_right: int = 0
    no_deal_articles: int = 0
    false_deals: int = 0
    articles: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def score_article(self, article: LabeledArticle, extraction: dict[str, Any]) -> None:
        label = article.label
        predicted, gold = extraction["deals"], label["deals"]
        self.articles += 1
        pred_companies = [c["name"] for c in extraction["companies"]]
        gold_companies = label["companies"]
        company_tp = sum(any(same_company(p, g) for g in gold_companies) for p in pred_companies)
        self.companies.add(company_tp, len(pred_companies), len(gold_companies))
        if not gold:
            self.no_deal_articles += 1
            self.false_deals += len(predicted)
        pairs = match_deals(predicted, gold)
        self.detection.add(len(pairs), len(predicted), len(gold))
        full_tp = 0
        for i, j in pairs:
            p, g = predicted[i], gold[j]
            correct, n_pred, n_gold = roles_match(p, g)
            self.parties.add(correct, n_pred, n_gold)
            amount_ok = amount_matches(p.get("amount"), g.get("amount"))
            status_ok, type_ok = p["status"] == g["status"], p["type"] == g["type"]
            roles_ok = correct == n_pred == n_gold
            self.matched += 1
            self.amount_right += amount_ok
            self.status_right += status_ok
            self.type_right += type_ok
            if amount_ok and status_ok and type_ok and roles_ok:
                full_tp += 1
            else:
                self.errors.append(
                    {"article": article.id, "kind": "wrong", "predicted": brief(p), "gold": brief(g)}
                )
        self.full.add(full_tp, len(predicted), len(gold))
        matched_p, matched_g = {i for i, _ in pairs}, {j for _, j in pairs}
        self.errors += [
            {"article": article.id, "kind": "spurious", "predicted": brief(d)}
            for i, d in enumerate(predicted)
            if i not in matched_p
        ]
        self.errors += [
            {"article": article.id, "kind": "missed", "gold": brief(d)}
            for j, d in enumerate(gold)
            if j not in matched_g
        ]

    def metrics(self) -> dict[str, float]:
        """Flat metric names → values, the keys of the floors file."""
        result: dict[str, float] = {}
        for name in ("detection", "full", "companies", "parties"):
            for key, value in getattr(self, name).scores().items():
                result[f"{name}_{key}"] = value
        matched = self.matched or 1
        result["amount_accuracy"] = round(self.amount_right / matched, 4)
        result["status_accuracy"] = round(self.status_right / matched, 4)
        result["type_accuracy"] = round(self.type_right / matched, 4)
        result["false_deals"] = self.false_deals
        return result


def brief(deal: dict[str, Any]) -> str:
    amount = deal.get("amount") or {}
    parties = ", ".join(f"{p['name']}:{p['role']}" for p in deal["parties"])
    return f"{deal['type']}/{deal['status']} [{parties}] {amount.get('text') or '-'}"


def evaluate(corpus: list[LabeledArticle], extractions: Iterable[dict[str, Any]]) -> Evaluation:
    evaluation = Evaluation()
    for article, extraction in zip(corpus, extractions, strict=True):
        evaluation.score_article(article, extraction)
    return evaluation


# Metrics where lower is better; every other metric is a floor.
CEILING_METRICS = {"false_deals"}


def check_floors(metrics: dict[str, float], floors: dict[str, float]) -> list[str]:
    """Human-readable violations: a metric below its floor (or a false-deal count above its ceiling)."""
    problems = []
    for name, bound in floors.items():
        value = metrics[name]
        if name in CEILING_METRICS and value > bound:
            problems.append(f"{name} = {value} is above its ceiling {bound}")
        elif name not in CEILING_METRICS and value < bound:
            problems.append(f"{name} = {value} is below its floor {bound}")
    return problems
