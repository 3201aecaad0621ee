"""Company recognition and within-article unification, as the spaCy component `dealwire_companies`.

Candidates come from the NER model's organisations, from the gazetteer (so "OpenAI" is a company even when the
model calls it a place) and from legal-form suffixes ("Harwell Instruments Inc"). Each candidate is cleaned to a
canonical name, filtered against the non-company lexicons, and unified with the other mentions of the same company
in the article ("Microsoft Corp." … "Microsoft" … "the tech giant"). Results are plain dicts on `doc._.companies`
(so they survive `nlp.pipe(n_process=2)`); `company_tokens(doc)` maps tokens back to companies for the deal rules.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from extractors.gazetteer import Gazetteer, KnownCompany, load_gazetteer
from extractors.lexicons import load_lines
from extractors.names import clean_company_name, legal_suffixes, name_key

# Words allowed inside a capitalised name run ("Bank of America", "AT&T"). Not "and": "A and B" is two names.
CONNECTORS = {"&", "of", "-", "de", "du", "la", "der", "von", "van"}
NOT_COMPANY_ENTITIES = {"GPE", "LOC", "NORP", "DATE", "PERSON", "MONEY"}
# "a refinery in Jamnagar": an unknown name after these is a place, unless it is what money goes into.
LOCATIVE_PREPOSITIONS = {"in", "at", "near", "outside", "across", "around", "throughout"}
HOLDING_WORDS = {
    "invest",
    "investment",
    "stake",
    "interest",
    "holding",
    "share",
    "shares",
    "position",
    "round",
}
MAX_NAME_TOKENS = 8
SUBJECT_DEPS = {"nsubj", "nsubjpass"}
REPORTING_VERBS = {"say", "announce", "add", "state", "tell", "confirm", "report", "disclose", "note"}


@dataclass
class Mention:
    start: int  # token offsets
    end: int
    text: str
    key: str
    known: KnownCompany | None
    in_heading: bool
    descriptive: bool = False  # "the tech giant": counted as a mention, never names the company


@dataclass
class CompanyCluster:
    name: str
    key: str
    known: KnownCompany | None
    mentions: list[Mention] = field(default_factory=list)
    parent: str | None = None


def is_capitalised(token: Token) -> bool:
    """Title case, all caps or intercapitals ("CoreWeave", "xAI"): the shape of a name word."""
    text = token.text
    return bool(text) and text[0].isalpha() and (text[0].isupper() or any(ch.isupper() for ch in text[1:]))


def heading_lines(doc: Doc) -> set[int]:
    """Token indices on lines that are headings: short, and without a sentence-final full stop."""
    indices: set[int] = set()
    line: list[Token] = []
    for token in [*doc, None]:
        if token is None or "\n" in token.text:
            words = [t for t in line if not t.is_space]
            if words and len(words) <= 14 and words[-1].text not in {".", "?", "!", '"', "”", ":"}:
                indices.update(t.i for t in words)
            line = []
        else:
            line.append(token)
    return indices


class CompanyRecognizer:
    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self.rejected = frozenset(name_key(line) for line in load_lines("non_companies.txt"))
        self.rejected_heads = frozenset(line.lower() for line in load_lines("non_company_heads.txt"))
        self.rejected_starts = frozenset(line.lower() for line in load_lines("non_company_starts.txt"))

        self.reference_nouns = frozenset(load_lines("company_nouns.txt"))
        self.describing_nouns = self.reference_nouns | frozenset(load_lines("company_appositives.txt"))
        self.generic_words = frozenset(load_lines("generic_name_words.txt"))

        self.suffixes = legal_suffixes()

    # --- candidates -------------------------------------------------------------------------------------------
    def is_suffix(self, token: Token) -> bool:
        return token.text.lower().rstrip(".") in self.suffixes and is_capitalised(token)

    def name_runs(self, doc: Doc) -> Iterator[tuple[int, int]]:
        """Maximal runs of capitalised tokens, allowing connectors inside ("Bank of America", "AT&T")."""
        i = 0
        while i < len(doc):
            if not is_capitalised(doc[i]):
                i += 1
                continue
            j = i + 1
            while j < len(doc) and j - i < MAX_NAME_TOKENS:
                if is_capitalised(doc[j]):
                    j += 1
                elif doc[j].lower_ in CONNECTORS and j + 1 < len(doc) and is_capitalised(doc[j + 1]):
                    j += 2
                else:
                    break
            yield i, j
            i = j

    def gazetteer_spans(self, doc: Doc, start: int, end: int) -> Iterator[tuple[int, int, KnownCompany]]:
        """Longest gazetteer matches inside a capitalised run, left to right."""
        i = start
        while i < end:
            for j in range(min(end, i + self.gazetteer.max_words), i, -1):
                known = self.gazetteer.lookup(doc[i:j].text)
                if known is not None and self.acceptable_gazetteer_hit(doc, i, j, known):
                    yield i, j, known
                    i = j
                    break
            else:
                i += 1

    def acceptable_gazetteer_hit(self, doc: Doc, start: int, end: int, known: KnownCompany) -> bool:
        """Curated names always count. A single SEC word ("Target", "Visa", "Block") needs support: the model
        tags it as an organisation, or a legal suffix follows, so common words do not become companies."""
        if known.curated or (end - start > 1 and not doc[start:end].text.isupper()):
            return True
        if end < len(doc) and self.is_suffix(doc[end]):
            return True
        return any(token.ent_type_ == "ORG" for token in doc[start:end])

    def candidates(self, doc: Doc) -> list[tuple[int, int, KnownCompany | None]]:
        spans: list[tuple[int, int, KnownCompany | None]] = []
        for ent in doc.ents:
            start, end = trim_span(ent)
            if end <= start:
                continue
            known = self.gazetteer.lookup(doc[start:end].text)
            has_suffix = any(self.is_suffix(token) for token in doc[start:end])
            if known is None and (ent.label_ == "ORG" or has_suffix):
                for part_start, part_end in split_conjoined(doc, start, end):
                    spans.extend(split_possessive(doc, part_start, part_end, self.gazetteer))
            elif ent.label_ == "ORG" or has_suffix or (known is not None and known.curated):
                spans.extend(split_possessive(doc, start, end, self.gazetteer))

        for start, end in self.name_runs(doc):
            spans.extend(self.gazetteer_spans(doc, start, end))
            # "Harwell Instruments Inc": a capitalised run ending in a legal form is a company.
            for k in range(start + 1, end):
                if self.is_suffix(doc[k]):
                    spans.append((start, k + 1, self.gazetteer.lookup(doc[start : k + 1].text)))
                    break
        spans.extend(self.described_names(doc))
        return resolve_overlaps(spans)

    def described_names(self, doc: Doc) -> Iterator[tuple[int, int, KnownCompany | None]]:
        """Names the model missed but the text describes as a company: "Lumenfold, an Austin-based startup",
        "the chipmaker Lumenfold", "Lumenfold Inc"."""
        for start, end in self.name_runs(doc):
            last = doc[end - 1]
            if last.ent_type_ in ("GPE", "LOC", "NORP", "DATE", "TIME", "MONEY", "PERCENT", "CARDINAL"):
                continue
            # The NER model often calls unfamiliar (e.g. Chinese) company names persons; an explicit description
            # ("fintech group Qianhai Pay") overrides that, the weaker cues do not.
            # A person can be "partner Elliot Sandoval" but not "the startup Elliot Sandoval".
            nouns = self.reference_nouns if last.ent_type_ == "PERSON" else self.describing_nouns
            if (
                described_as_company(last, start, nouns)
                or (last.ent_type_ != "PERSON" and agent_of_financing(last))
                or is_deal_object(last)
            ):
                yield start, end, self.gazetteer.lookup(doc[start:end].text)

    def rejected_name(self, text: str, key: str) -> bool:
        if not key or key in self.rejected or len(key) < 2 or key[0].isdigit():
            return True
        if key.replace(" ", "") in self.suffixes:
            return True  # a bare "Inc" or "Holdings"

        words = clean_company_name(text).split()
        return bool(words) and (
            words[-1].lower() in self.rejected_heads or words[0].lower() in self.rejected_starts
        )

    # --- unification ------------------------------------------------------------------------------------------
    def mentions(self, doc: Doc) -> list[Mention]:
        headings = heading_lines(doc)
        found = []
        money = [(m["start"], m["end"]) for m in doc._.money or []]
        # Surnames of people named in full ("Anna Ostrowski"), which the model may later call organisations.
        person_words = {ent[-1].text for ent in doc.ents if ent.label_ == "PERSON" and len(ent) > 1}

        for start, end, known in self.candidates(doc):
            span = doc[start:end]
            if any(span.start_char < m_end and m_start < span.end_char for m_start, m_end in money):
                continue  # "SEK 4.5bn" tagged as an organisation
            key = (known and name_key(known.name)) or name_key(span.text)
            if self.rejected_name(span.text, key) or not is_capitalised(doc[start]):
                continue
            if known is None and self.unsupported(doc, start, end, person_words):
                continue
            found.append(Mention(start, end, span.text, key, known, start in headings))
        return found

    def unsupported(self, doc: Doc, start: int, end: int, person_words: set[str]) -> bool:
        """An unknown name without a legal suffix that reads as a place ("Lyon-based", "a plant in Jamnagar"),
        a person's surname seen elsewhere in the article ("Ostrowski said"), or a bracketed ticker ("(VRDN)")."""
        if any(self.is_suffix(t) for t in doc[start:end]):
            return False
        if described_as_company(doc[end - 1], start, self.describing_nouns):
            return False  # "analysts at research firm Brightline Partners"

        if place_modifier(doc, end) or is_dateline(doc, start, end):
            return True
        head = name_head(doc[end - 1])
        prep = head.head
        locative = head.dep_ == "pobj" and prep.lower_ in LOCATIVE_PREPOSITIONS
        if locative and prep.head.lemma_.lower() not in HOLDING_WORDS:
            return True

        if end - start == 1 and doc[start].text in person_words:
            return True
        bracketed = start > 0 and end < len(doc) and doc[start - 1].text in "(<[" and doc[end].text in ")>]"
        return bracketed and doc[start].text.isupper()

    def cluster(self, doc: Doc, mentions: list[Mention]) -> list[CompanyCluster]:
        clusters: list[CompanyCluster] = []
        for mention in mentions:
            target = next((c for c in clusters if same_company(c, mention)), None)
            if target is None:
                target = CompanyCluster(name="", key=mention.key, known=mention.known)
                clusters.append(target)
            elif mention.known and not target.known:
                target.known, target.key = mention.known, mention.key
            target.mentions.append(mention)
        self.add_coordinated_names(doc, clusters)
        self.add_repeated_names(doc, clusters)

        # A company seen only in headings (often a sub-heading the model misread) is not kept.
        clusters = [c for c in clusters if not all(m.in_heading for m in c.mentions)]
        for cluster in clusters:
            cluster.name = canonical_name(cluster)
        self.add_references(doc, clusters)
        return clusters

    def add_coordinated_names(self, doc: Doc, clusters: list[CompanyCluster]) -> None:
        """ "South32 and Japan's Sumitomo Metal Mining agreed…": a name coordinated with a company, in the same
        syntactic role, is a company too."""
        taken = {i for c in clusters for m in c.mentions for i in range(m.start, m.end)}
        runs = {end - 1: (start, end) for start, end in self.name_runs(doc)}
        for cluster in list(clusters):
            for mention in list(cluster.mentions):
                head = name_head(doc[mention.end - 1])
                partners = [c for c in head.children if c.dep_ == "conj"]
                partners += [head.head] if head.dep_ == "conj" else []
                for partner in partners:
                    start, end = runs.get(partner.i, (partner.i, partner.i))
                    if end <= start or any(i in taken for i in range(start, end)):
                        continue
                    if partner.ent_type_ in NOT_COMPANY_ENTITIES or partner.pos_ != "PROPN":
                        continue
                    text = doc[start:end].text
                    key = name_key(text)
                    if self.rejected_name(text, key):
                        continue
                    known = self.gazetteer.lookup(text)
                    clusters.append(
                        CompanyCluster(
                            name="",
                            key=key,
                            known=known,
                            mentions=[Mention(start, end, text, key, known, False)],
                        )
                    )
                    taken.update(range(start, end))

    def add_repeated_names(self, doc: Doc, clusters: list[CompanyCluster]) -> None:
        """One sense per article: a name recognised once as a company is a company wherever it recurs, even
        where the model tagged it otherwise or not at all; so is its distinctive first word ("Vanderhoek" for
        Vanderhoek Transport NV), which goes to the first company named with it."""
        taken = {i for c in clusters for m in c.mentions for i in range(m.start, m.end)}
        forms: dict[str, list[tuple[list[str], CompanyCluster]]] = {}
        lowercase_words = {t.text for t in doc if t.is_lower}
        for cluster in clusters:
            for mention in cluster.mentions:
                words = [t.text for t in doc[mention.start : mention.end]]
                if words and is_capitalised(doc[mention.start]):
                    forms.setdefault(words[0], []).append((words, cluster))
                    # "Johnson Matthey plc" recurs as "Johnson Matthey"
                    bare = list(words)
                    while len(bare) > 1 and bare[-1].lower().rstrip(".") in self.suffixes:
                        bare.pop()
                    if bare != words:
                        forms[words[0]].append((bare, cluster))
                    first = words[0]
                    if (
                        len(words) > 1
                        and len(first) > 3
                        and first not in self.generic_words
                        and first.lower() not in lowercase_words
                        and not doc[mention.start].is_stop
                    ):
                        forms[first].append(([first], cluster))
        headings = heading_lines(doc)
        for token in doc:
            if token.i in taken or token.text not in forms:
                continue
            for words, cluster in sorted(forms[token.text], key=lambda f: -len(f[0])):
                end = token.i + len(words)
                if len(words) == 1 and end < len(doc) and is_capitalised(doc[end]):
                    continue  # "Brookfield Renewable" is another name, not a short "Brookfield"
                if [t.text for t in doc[token.i : end]] == words and not any(
                    i in taken for i in range(token.i, end)
                ):
                    cluster.mentions.append(
                        Mention(
                            token.i,
                            end,
                            doc[token.i : end].text,
                            cluster.key,
                            cluster.known,
                            token.i in headings,
                        )
                    )
                    taken.update(range(token.i, end))
                    break
        for cluster in clusters:
            cluster.mentions.sort(key=lambda m: m.start)

    def add_references(self, doc: Doc, clusters: list[CompanyCluster]) -> None:
        """Attach "the company", "the Redmond-based firm", "the tech giant" to the company they refer back to:
        the subject of a recent sentence that names a company, else the most recent company."""
        owner: dict[int, CompanyCluster] = {}
        for cluster in clusters:
            for mention in cluster.mentions:
                for i in range(mention.start, mention.end):
                    owner[i] = cluster
        for token in doc:
            if token.tag_ != "NN" or token.lower_ not in self.reference_nouns or token.i in owner:
                continue
            det = next((c for c in token.children if c.dep_ == "det"), None)
            if det is None or det.lower_ != "the" or det.i > token.i:
                continue
            # "the company's chief executive" refers; "the company that makes X" does too; "the group of" no.
            if any(c.dep_ == "prep" and c.lower_ == "of" for c in token.children):
                continue
            if any(owner.get(t.i) for t in doc[det.i : token.i]):
                continue
            # "the private equity firm Cinven": the name follows; the phrase is its description, not a reference.
            if any(c.dep_ == "appos" and c.i in owner for c in token.children) or token.i + 1 in owner:
                continue
            antecedent = self.antecedent(doc, det.i, owner)
            if antecedent is not None:
                antecedent.mentions.append(
                    Mention(
                        det.i, token.i + 1, doc[det.i : token.i + 1].text, antecedent.key, None, False, True
                    )
                )

    @staticmethod
    def antecedent(doc: Doc, before: int, owner: dict[int, CompanyCluster]) -> CompanyCluster | None:
        """In the same sentence: the latest non-subject company (the subject when the reference is the speaker of
        a reporting verb); else, in the preceding sentences, the latest company that is (or owns) a subject; else
        the latest company."""

        sentence_start = doc[before].sent.start
        reference = doc[before].head
        governor = reference.head.head if reference.head.pos_ == "ADP" else reference.head
        # "Adobe's acquisition of the startup": a co-argument of the same word is never the referent.
        in_sentence = [
            i
            for i in range(before - 1, sentence_start - 1, -1)
            if i in owner and name_head(doc[i]).head != governor
        ]
        # Within a sentence a description rarely repeats the subject (English uses "it" for that: "Corvane
        # agreed to buy Harbor, betting the software maker will help it"), except as the speaker of a reporting
        # verb ("…, the chemicals group said").
        speaker = reference.dep_ in SUBJECT_DEPS and reference.head.lemma_ in REPORTING_VERBS
        preferred = [i for i in in_sentence if is_subject(doc[i]) == speaker]
        if preferred or in_sentence:
            return owner[(preferred or in_sentence)[0]]

        recent: CompanyCluster | None = None
        for i in range(sentence_start - 1, max(0, sentence_start - 80) - 1, -1):
            cluster = owner.get(i)
            if cluster is None:
                continue
            recent = recent or cluster
            if is_subject(doc[i]):
                return cluster
        return recent

    def __call__(self, doc: Doc) -> Doc:
        clusters = self.cluster(doc, self.mentions(doc))
        link_parents(doc, clusters)
        doc._.companies = [cluster_as_dict(doc, cluster) for cluster in clusters]
        return doc


# Verbs whose "by X" agent is a company: "a round led by Northzone", "a loan underwritten by Barclays".
AGENT_VERBS = {
    "lead",
    "co-lead",
    "colead",
    "back",
    "underwrite",
    "arrange",
    "finance",
    "fund",
    "acquire",
    "buy",
}


def described_as_company(token: Token, start: int, nouns: frozenset[str]) -> bool:
    """The last token of a name is described as a company by an apposition ("Lumenfold, an Austin-based
    startup"; "existing investors Atomico and Speedinvest"), a modifier ("the chipmaker Lumenfold"), or by being
    the agent of a financing verb ("led by Northzone")."""
    head = token
    while head.dep_ == "conj" and head.head != head:
        head = head.head  # "investors Atomico and Speedinvest": Speedinvest is described through Atomico
    if any(c.dep_ == "appos" and c.lemma_.lower() in nouns for c in head.children):
        return True
    if head.dep_ == "appos" and head.head.lemma_.lower() in nouns:
        return True
    return any(c.dep_ == "compound" and c.i < start and c.lemma_.lower() in nouns for c in token.children)


def agent_of_financing(token: Token) -> bool:
    """ "a round led by Northzone", "a loan underwritten by Barclays" (through conjuncts too)."""
    head = token
    while head.dep_ == "conj" and head.head != head:
        head = head.head
    by = head.head
    return head.dep_ == "pobj" and by.dep_ == "agent" and by.head.lemma_.lower() in AGENT_VERBS


# The objects of these verbs and of these nouns' prepositions are companies: "agreed to acquire Wiz",
# "its offer for Jiangmen Harbour", "the takeover of Cavi Padana".
DEAL_OBJECT_VERBS = {"acquire", "buy", "purchase"}
DEAL_OBJECT_NOUNS = {"acquisition", "takeover", "offer", "bid", "purchase", "buyout", "merger"}


def is_deal_object(token: Token) -> bool:
    """The object of an acquisition ("acquire Wiz", "its offer for Jiangmen Harbour"), or the subject of a
    fundraising ("Glint Labs … raised $22 million in a Series A")."""
    if token.dep_ == "dobj" and token.head.lemma_.lower() in DEAL_OBJECT_VERBS:
        return True
    by = token.head
    if token.dep_ == "pobj" and by.dep_ == "agent" and by.head.lemma_.lower() in DEAL_OBJECT_VERBS:
        return True  # "was acquired by Atlassian"

    if token.dep_ == "nsubj" and token.head.lemma_.lower() == "raise" and token.ent_type_ != "PERSON":
        objects = [c for c in token.head.children if c.dep_ == "dobj"]
        if any(o.ent_type_ == "MONEY" or o.lemma_.lower() in ("round", "funding") for o in objects):
            return True

    prep = token.head
    return (
        token.dep_ == "pobj"
        and prep.lower_ in ("of", "for", "with")
        and prep.head.lemma_.lower() in DEAL_OBJECT_NOUNS
    )


def is_dateline(doc: Doc, start: int, end: int) -> bool:
    """ "PORTLAND, Ore., Sept 15 - ...": an all-caps name opening a line and followed by a comma is a place."""
    opens_line = start == 0 or "\n" in doc[start - 1].text or "\n" in doc[start - 1].whitespace_
    return opens_line and doc[start:end].text.isupper() and end < len(doc) and doc[end].text == ","


def place_modifier(doc: Doc, end: int) -> bool:
    """ "Leverkusen-based", "Tokyo-headquartered": the name is a place, not a company."""
    return end + 1 < len(doc) and doc[end].text == "-" and doc[end + 1].lower_ in {"based", "headquartered"}


def name_head(token: Token) -> Token:
    """The syntactic head of the name a token belongs to ("Microsoft" in "Microsoft Corp." → "Corp.")."""
    head = token
    while head.dep_ in ("compound", "flat") and head.head != head:
        head = head.head
    return head


def is_subject(token: Token) -> bool:
    """A subject, or part of one ("Microsoft Corp." → "Corp." is the subject; "Microsoft’s spending")."""
    head = name_head(token)
    return head.dep_ in SUBJECT_DEPS or (head.dep_ == "poss" and head.head.dep_ in SUBJECT_DEPS)


NAME_PUNCTUATION = {"&", ".", "'", "’", "+", "!"}


def splits_name(token: Token) -> bool:
    """Punctuation that cannot be inside a company name: a dateline dash ("April 14 - Acme"), a wire-service
    bracket ("PITTSBURGH--(BUSINESS WIRE)--Acme"), a comma. A hyphen between letters ("Toronto-Dominion") stays."""
    if not token.is_punct or token.text in NAME_PUNCTUATION:
        return False
    inner_hyphen = token.text == "-" and not token.whitespace_ and not token.doc[token.i - 1].whitespace_
    return not (inner_hyphen and token.i > 0)


def link_parents(doc: Doc, clusters: list[CompanyCluster]) -> None:
    """ "Alphabet Inc.'s Google", "Amazon’s AWS": a company named right after another's possessive is its unit."""
    owner = {i: c for c in clusters for m in c.mentions if not m.descriptive for i in range(m.start, m.end)}
    for cluster in clusters:
        for mention in cluster.mentions:
            marker = mention.start - 1
            if mention.descriptive or marker < 1 or doc[marker].lower_ not in {"'s", "’s"}:
                continue
            parent = owner.get(marker - 1)
            if parent is not None and parent is not cluster and cluster.parent is None:
                cluster.parent = parent.name


def trim_span(span: Span) -> tuple[int, int]:
    """Cut an entity span down to the name: no line breaks, datelines, leading "the", headline verbs
    ("Solace Networks Announces Pricing of"), trailing conjunctions, punctuation or possessive markers."""
    start, end = span.start, span.end
    doc = span.doc
    for i in range(start, end):
        # "Future Outlook\nInvestors": the model merged a heading into the next line; keep the last line only.
        if "\n" in doc[i].text or doc[i].is_space or splits_name(doc[i]) or doc[i].ent_type_ == "DATE":
            start = i + 1
    while start < end and (doc[start].lower_ == "the" or doc[start].is_punct):
        start += 1
    for i in range(start + 1, end):
        verb = doc[i].pos_ in ("VERB", "AUX") and not doc[i].is_title
        if verb or doc[i].tag_ == "VBZ" or doc[i].lower_ in headline_verbs():
            end = i
            break
    for i in range(start + 1, end):
        # "Alpenmilch Nutrition for CHF 2 billion": a preposition other than "of"/"de" ends the name.
        if doc[i].pos_ == "ADP" and doc[i].lower_ not in CONNECTORS:
            end = i
            break
    while end > start and (
        doc[end - 1].is_punct
        or doc[end - 1].lower_ in {"'s", "’s", "'", "’"}
        or doc[end - 1].pos_ in ("CCONJ", "ADP", "DET")
    ):
        end -= 1
    return start, end


@cache
def headline_verbs() -> frozenset[str]:
    return frozenset(load_lines("headline_verbs.txt"))


def split_conjoined(doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
    """ "Sequoia Capital and Greylock Partners" → two names, when both sides have at least two words (so
    "Marks and Spencer" or "Johnson & Johnson" stay whole)."""
    for i in range(start + 2, end - 2):
        if doc[i].lower_ == "and" and i - start >= 2 and end - i - 1 >= 2:
            return [(start, i), (i + 1, end)]
    return [(start, end)]


def split_possessive(
    doc: Doc, start: int, end: int, gazetteer: Gazetteer
) -> list[tuple[int, int, KnownCompany | None]]:
    """ "Alphabet Inc.'s Google" → parent "Alphabet Inc." and unit "Google"."""
    for i in range(start + 1, end - 1):
        if doc[i].lower_ in {"'s", "’s"}:
            return [
                (start, i, gazetteer.lookup(doc[start:i].text)),
                (i + 1, end, gazetteer.lookup(doc[i + 1 : end].text)),
            ]
    return [(start, end, gazetteer.lookup(doc[start:end].text))]


def resolve_overlaps(
    spans: list[tuple[int, int, KnownCompany | None]],
) -> list[tuple[int, int, KnownCompany | None]]:
    """Keep the longest of overlapping candidates (a gazetteer hit wins a tie)."""
    ordered = sorted(spans, key=lambda s: (-(s[1] - s[0]), s[2] is None, s[0]))
    taken: set[int] = set()
    kept = []
    for start, end, known in ordered:
        if any(i in taken for i in range(start, end)):
            continue
        taken.update(range(start, end))
        kept.append((start, end, known))
    return sorted(kept)


def initials(text: str) -> str:
    """ "american motors corp" → "amc"."""
    return "".join(
        word[0] for word in text.replace("-", " ").split() if word not in {"of", "and", "&", "the"}
    )


def same_company(cluster: CompanyCluster, mention: Mention) -> bool:
    """Same gazetteer entry, same key, one name a word-prefix of the other ("Goldman" / "Goldman Sachs"),
    or an acronym of the other ("AMC" / "American Motors Corp")."""
    if cluster.known and mention.known:
        return cluster.known == mention.known
    if cluster.key == mention.key:
        return True
    names = {m.key for m in cluster.mentions if not m.descriptive} | {cluster.key}
    if all(word_prefix_related(key, mention.key) for key in names):
        return True
    acronym = mention.text.replace(".", "")
    return (
        acronym.isupper()
        and 2 <= len(acronym) <= 5
        and any(
            acronym
            in (initials(m.text.lower()).upper(), initials(clean_company_name(m.text).lower()).upper())
            for m in cluster.mentions
        )
    )


def word_prefix_related(a: str, b: str) -> bool:
    """One name is the other's first words ("goldman" / "goldman sachs")."""
    short, long_ = sorted((a.split(), b.split()), key=len)
    return bool(short) and long_[: len(short)] == short and len(short[0]) > 2


def canonical_name(cluster: CompanyCluster) -> str:
    """The curated name when there is one, else the longest cleaned mention written in normal case."""
    if cluster.known and cluster.known.curated:
        return cluster.known.name
    # Body mentions first: headlines fold verbs and tickers into names ("Continental Fidelity Launches").
    body = [m for m in cluster.mentions if not m.descriptive and not m.in_heading]
    names = [clean_company_name(m.text) for m in body or cluster.mentions if not m.descriptive]

    normal = [n for n in names if not (n.isupper() and len(n) > 4)]
    pool = normal or [n.title() if len(n) > 4 else n for n in names]
    return max(pool, key=len)


def cluster_as_dict(doc: Doc, cluster: CompanyCluster) -> dict[str, object]:
    return {
        "name": cluster.name,
        "parent": cluster.parent,
        "ticker": cluster.known.ticker if cluster.known else None,
        "cik": cluster.known.cik if cluster.known else None,
        "mentions": [
            {
                "text": m.text,
                "start": doc[m.start].idx,
                "end": doc[m.end - 1].idx + len(doc[m.end - 1].text),
                "start_token": m.start,
                "end_token": m.end,
                "descriptive": m.descriptive,
            }
            for m in sorted(cluster.mentions, key=lambda m: m.start)
        ],
    }


def company_tokens(doc: Doc) -> dict[int, int]:
    """Token index → index of the company in `doc._.companies` that the token belongs to."""
    owner: dict[int, int] = {}
    for index, company in enumerate(doc._.companies):
        for mention in company["mentions"]:
            for i in range(mention["start_token"], mention["end_token"]):
                owner[i] = index
    return owner


@Language.factory("dealwire_companies")
def make_company_recognizer(nlp: Language, name: str) -> CompanyRecognizer:
    return CompanyRecognizer(load_gazetteer())
