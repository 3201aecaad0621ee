"""Deal extraction, as the spaCy component `dealwire_deals`.

1. Triggers: verbs and nouns from `config/lexicons/deal_triggers.json`, found with spaCy's DependencyMatcher
   together with their syntactic slots (subject, object, "from X", "X's", "led by X", …).
2. Arguments: each slot's token is resolved to a company (through `doc._.companies`, conjunctions, pronouns and
   the subjects of control verbs such as "is poised to" / "agreed to"), and the slot becomes a role.
3. Amount, status and term: the money with the shortest dependency path to the trigger that is not revenue,
   valuation, spending and the like; status cues from the trigger's verb chain and the sentence; negated triggers
   give no deal.
4. Within the article, mentions of the same deal (same parties, compatible type) are merged into one record.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from spacy.language import Language
from spacy.matcher import DependencyMatcher
from spacy.tokens import Doc, Span, Token

from extractors.companies import company_tokens
from extractors.deal_types import TYPE_FAMILY
from extractors.lexicons import load_json

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
# Dependencies through which a trigger inherits the subject of the verb above it:
# "X is poised to commit … to renting", "X agreed to buy", "X, which is in talks to buy", "by partnering with".
INHERIT_DEPS = {
    "xcomp",
    "advcl",
    "pcomp",
    "prep",
    "pobj",
    "acl",
    "conj",
    "ccomp",
    "relcl",
    "dobj",
    "attr",
    "oprd",
}
PRONOUNS = {"it", "its", "they", "their", "them", "itself", "which", "that", "who", "whose"}
PLURAL_PRONOUNS = {"they", "their", "them"}
# A holding in a company stands for the company: "shares of Kidde", "a stake in Arm".
HOLDING_NOUNS = {
    "share",
    "shares",
    "stock",
    "stake",
    "equity",
    "interest",
    "capital",
    "holding",
    "%",
    "percent",
    "pct",
    "cent",
}
RELATIVE_PRONOUNS = {"which", "that", "who", "whose"}
# Roles that a deal type may hold more than once (several investors, lenders, partners).
MULTI_ROLES = {"investor", "lender", "partner", "party"}
SINGLE_PARTY_TYPES = {"ipo": {"issuer"}, "debt_financing": {"borrower"}, "contract": {"supplier"}}
# The two roles of each type, the paying side first; a generic party takes the first role still free.
ROLE_FOR_PARTY = {
    "contract": ("customer", "supplier"),
    "partnership": ("partner", "partner"),
    "joint_venture": ("partner", "partner"),
    "merger": ("partner", "partner"),
    "licensing": ("licensee", "licensor"),
    "acquisition": ("acquirer", "target"),
    "investment": ("investor", "investee"),
    "funding_round": ("investor", "investee"),
    "debt_financing": ("lender", "borrower"),
}
TERM = re.compile(
    r"\b(?:over|for|during|across|spanning|within)\s+(?:the\s+)?(?:next\s+|coming\s+|following\s+)?"
    r"(?:several|many|multiple|a\s+few|few|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty|\d+)"
    r"\s+(?:years|months|decades)\b"
    r"|\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty)[- ](?:year|month)(?=[- ]?\w)"
    r"|\bmulti-?year\b|\bmultiyear\b",
    re.IGNORECASE,
)


@dataclass
class Trigger:
    token: Token
    lemma: str
    entry: dict[str, Any]
    kind: str  # "verb" or "noun"
    deal_type: str
    generic: bool = False
    slots: dict[str, list[Token]] = field(default_factory=dict)


@dataclass
class DealMention:
    deal_type: str
    parties: dict[int, str]  # company index → role
    sentence: Span
    trigger: Token
    amount: dict[str, Any] | None
    status: str
    term: str | None
    confidence: float
    generic: bool


@cache
def lexicon() -> dict[str, Any]:
    data: dict[str, Any] = load_json("deal_triggers.json")
    return data


@cache
def status_cues() -> dict[str, Any]:
    data: dict[str, Any] = load_json("status_cues.json")
    return data


@cache
def amount_context() -> dict[str, Any]:
    data: dict[str, Any] = load_json("amount_context.json")
    return data


def slot_patterns(lemmas: list[str], pos: list[str], prefix: str) -> dict[str, list[list[dict[str, Any]]]]:
    """DependencyMatcher patterns that bind a trigger and one argument slot each."""
    trigger = {"RIGHT_ID": "trigger", "RIGHT_ATTRS": {"LEMMA": {"IN": lemmas}, "POS": {"IN": pos}}}

    def child(
        dep: str | list[str], attrs: dict[str, Any] | None = None, right_id: str = "arg"
    ) -> dict[str, Any]:
        deps = dep if isinstance(dep, list) else [dep]
        return {
            "LEFT_ID": "trigger",
            "REL_OP": ">",
            "RIGHT_ID": right_id,
            "RIGHT_ATTRS": {"DEP": {"IN": deps}, **(attrs or {})},
        }

    patterns: dict[str, list[list[dict[str, Any]]]] = {
        f"{prefix}:subj": [[trigger, child("nsubj")]],
        f"{prefix}:subjpass": [[trigger, child("nsubjpass")]],
        f"{prefix}:obj": [[trigger, child("dobj")]],
        f"{prefix}:dative": [[trigger, child("dative")]],
        f"{prefix}:poss": [[trigger, child("poss")]],
        f"{prefix}:compound": [[trigger, child(["compound", "nmod", "amod"])]],
        f"{prefix}:prep": [
            [
                trigger,
                child("prep", right_id="prep"),
                {"LEFT_ID": "prep", "REL_OP": ">", "RIGHT_ID": "arg", "RIGHT_ATTRS": {"DEP": "pobj"}},
            ]
        ],
        f"{prefix}:agent": [
            [
                trigger,
                child("agent", right_id="prep"),
                {"LEFT_ID": "prep", "REL_OP": ">", "RIGHT_ID": "arg", "RIGHT_ATTRS": {"DEP": "pobj"}},
            ]
        ],
        # "a Series B round led by Accel": the agent of a participle attached to a noun trigger.
        f"{prefix}:acl_agent": [
            [
                trigger,
                child("acl", right_id="verb"),
                {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "prep", "RIGHT_ATTRS": {"DEP": "agent"}},
                {"LEFT_ID": "prep", "REL_OP": ">", "RIGHT_ID": "arg", "RIGHT_ATTRS": {"DEP": "pobj"}},
            ]
        ],
    }
    return patterns


class DealExtractor:
    def __init__(self, nlp: Language) -> None:
        self.lexicon = lexicon()
        self.matcher = DependencyMatcher(nlp.vocab)
        verbs = sorted(self.lexicon["verbs"])
        nouns = sorted(self.lexicon["nouns"])
        for key, patterns in slot_patterns(verbs, ["VERB"], "verb").items():
            self.matcher.add(key, patterns)
        for key, patterns in slot_patterns(nouns, ["NOUN", "PROPN"], "noun").items():
            self.matcher.add(key, patterns)
        self.light_verbs = frozenset(self.lexicon["light_verbs"])
        self.type_modifiers = self.lexicon["type_modifiers"]

    # --- triggers ---------------------------------------------------------------------------------------------
    def triggers(self, doc: Doc) -> list[Trigger]:
        found: dict[int, Trigger] = {}
        for token in doc:
            trigger = self.trigger_at(token)
            if trigger is not None:
                found[token.i] = trigger
        for match_id, token_ids in self.matcher(doc):
            label = doc.vocab.strings[match_id]
            kind, slot = label.split(":")
            trigger_token = doc[token_ids[0]]
            arg = doc[token_ids[-1]]
            trigger = found.get(trigger_token.i)
            if trigger is None or trigger.kind != kind:
                continue
            if slot == "acl_agent":
                slot = "agent"
            if slot in ("prep", "agent"):
                prep_word = doc[token_ids[1]].lower_
                slot = (
                    "agent"
                    if slot == "agent" or (prep_word == "by" and kind == "verb")
                    else f"prep:{prep_word}"
                )
            trigger.slots.setdefault(slot, []).append(arg)
        return sorted(found.values(), key=lambda t: t.token.i)

    def trigger_at(self, token: Token) -> Trigger | None:
        lemma = token.lemma_.lower()
        if token.pos_ == "VERB" and lemma in self.lexicon["verbs"]:
            entry = self.lexicon["verbs"][lemma]
            particle = entry.get("particle")
            if particle and not any(c.dep_ == "prt" and c.lower_ == particle for c in token.children):
                return None
            return self.checked(Trigger(token, lemma, entry, "verb", entry["type"]))
        if token.pos_ in ("NOUN", "PROPN") and lemma in self.lexicon["nouns"]:
            entry = self.lexicon["nouns"][lemma]
            trigger = Trigger(token, lemma, entry, "noun", entry["type"], generic=entry.get("generic", False))
            modifier_type = self.modifier_type(token, entry)
            if modifier_type == "ignore":
                return None
            if modifier_type:
                trigger.deal_type, trigger.generic = modifier_type, False
            if "needs_gov" in entry:
                verb = governing_verb(token)
                if verb is None or verb.lemma_.lower() not in entry["needs_gov"]:
                    return None
            return self.checked(trigger)
        return None

    def modifier_type(self, token: Token, entry: dict[str, Any]) -> str | None:
        """The type given by words before a noun: "credit facility", "supply agreement", "joint venture"."""
        modifiers = entry.get("modifiers", {})
        before = [token.doc[i].lower_ for i in range(max(token.i - 3, token.sent.start), token.i)]
        # Two-word modifiers first: a "power purchase agreement" is a contract, not an acquisition.
        words = [" ".join(before[-2:])] if len(before) >= 2 else []
        words += [t.lower_ for t in token.lefts if t.dep_ in ("compound", "amod", "nmod", "npadvmod")]
        words += before
        for word in words:
            if word in modifiers:
                value = modifiers[word]
                return None if value == "ignore_unless_funding" else str(value)
        if entry.get("generic"):
            for word in words:
                if word in self.type_modifiers:
                    return str(self.type_modifiers[word])
        return None

    @staticmethod
    def checked(trigger: Trigger) -> Trigger | None:
        """Apply the entry's `needs`: words that must appear in the sentence for this reading of the trigger."""
        needs = trigger.entry.get("needs")
        if not needs:
            return trigger
        sentence = trigger.token.sent.text.lower()
        return trigger if any(need in sentence for need in needs) else None

    # --- arguments --------------------------------------------------------------------------------------------
    def mention(
        self, doc: Doc, trigger: Trigger, owners: dict[int, int], sentence_types: set[str]
    ) -> DealMention | None:
        deal_type = trigger.deal_type
        if trigger.generic:
            # "the deal", "an agreement": only a deal when a specific trigger in the sentence gives the type.
            specific = sentence_types - {"contract"} if len(sentence_types) > 1 else sentence_types
            if not specific:
                return None
            deal_type = sorted(specific)[0]
        if is_negated(trigger.token):
            return None
        if deal_type == "acquisition" and buys_a_minority_holding(trigger):
            deal_type = "investment"  # "will buy a 9.9 per cent stake in X", "bought 4.8 mln shares of X"
        if trigger.lemma in HOLDING_NOUNS and self.bought_by_verb_trigger(trigger.token):
            return None  # "agreed to buy Domtar's 72 pct stake": the verb states the deal
        roles = translated_roles(trigger.entry["roles"], trigger.entry.get("type", deal_type), deal_type)
        slots = dict(trigger.slots)
        if deal_type == "acquisition" and trigger.kind == "verb":
            # "buys Nvidia processors": goods named after a company are not a company being bought.
            units = set(self.lexicon["business_unit_nouns"]) | HOLDING_NOUNS
            slots["obj"] = [t for t in slots.get("obj", []) if t.i in owners or t.lemma_.lower() in units]
        self.add_inherited_slots(trigger, slots, owners)
        parties: dict[int, tuple[str, int]] = {}  # company → (role, priority)
        for priority, (slot, role) in enumerate(self.slot_roles(trigger, roles, slots)):
            for token in slots.get(slot, []):
                for company in resolve_companies(token, owners):
                    if company not in parties:
                        parties[company] = (role, priority)
        listed = self.lexicon["listed_roles"].get(deal_type)
        if listed:
            for company in listed_parties(trigger, listed["markers"], owners):
                parties.setdefault(company, (listed["role"], 99))
        party_roles = finalize_roles(deal_type, {c: r for c, (r, _) in parties.items()})
        if not valid_party_set(deal_type, party_roles):
            return None
        if len(party_roles) == 1 and not single_party_supported(
            deal_type, deal_amount(doc, trigger, trigger.token.sent)
        ):
            return None
        if (
            deal_type == "acquisition"
            and "target" not in party_roles.values()
            and not self.buys_a_business(trigger)
        ):
            return None  # "buy accelerators from Nvidia" is a purchase of goods, not of a company
        sentence = trigger.token.sent
        status = deal_status(trigger.token, sentence, doc, deal_type)
        amount = deal_amount(doc, trigger, sentence)
        term_match = TERM.search(sentence.text)
        confidence = 0.45 + 0.15 * (len(party_roles) >= 2) + 0.1 * (amount is not None)
        confidence += 0.15 * (trigger.kind == "verb" or not trigger.generic) + 0.05 * (
            deal_type != "partnership"
        )
        return DealMention(
            deal_type=deal_type,
            parties=party_roles,
            sentence=sentence,
            trigger=trigger.token,
            amount=amount,
            status=status,
            term=term_match.group(0) if term_match else None,
            confidence=round(min(confidence, 0.95), 2),
            generic=trigger.generic,
        )

    def bought_by_verb_trigger(self, token: Token) -> bool:
        verb = governing_verb(token)
        trigger = self.trigger_at(verb) if verb is not None else None
        return trigger is not None and trigger.deal_type in ("acquisition", "investment")

    def buys_a_business(self, trigger: Trigger) -> bool:
        """Without a company as target, an acquisition must be of a business: "its chemicals unit", "a stake"."""
        objects = (
            trigger.slots.get("obj", [])
            + trigger.slots.get("prep:of", [])
            + trigger.slots.get("subjpass", [])
        )
        units = set(self.lexicon["business_unit_nouns"])
        return any(token.lemma_.lower() in units or token.lower_ in units for token in objects)

    def slot_roles(
        self, trigger: Trigger, roles: dict[str, str], slots: dict[str, list[Token]]
    ) -> Iterator[tuple[str, str]]:
        """(slot, role) pairs in priority order; governor-subject roles can depend on the governing verb."""
        # Roles the trigger's own arguments fill; the governing verb's subject must not take them again
        # ("SoftBank arranged a loan from Mizuho": the lender is named, so SoftBank is the borrower).
        filled = {role for slot, role in roles.items() if slot != "gov_subj" and slots.get(slot)}
        for slot, role in roles.items():
            if "_with_" in slot:
                continue
            # "X licensed rights from Y" (X is the licensee), "X agreed to a takeover by Y" (X is the target).
            conditional = [
                k for k in roles if k.startswith(f"{slot}_with_") and slots.get(k.split("_with_")[1])
            ]
            if conditional:
                role = roles[conditional[0]]
            elif slot == "gov_subj":
                verb = governing_verb(trigger.token)
                override = trigger.entry.get("gov_subj_roles", {})
                if (
                    verb is not None
                    and verb.lemma_.lower() in override
                    and override[verb.lemma_.lower()] not in filled
                ):
                    role = override[verb.lemma_.lower()]
            yield slot, role

    def add_inherited_slots(
        self, trigger: Trigger, slots: dict[str, list[Token]], owners: dict[int, int]
    ) -> None:
        token = trigger.token
        if trigger.kind == "verb":
            if "subj" not in slots and "subjpass" not in slots:
                subject = inherited_subject(token, owners)
                if subject is not None:
                    slots["subj"] = [subject]
            add_nested_preps(slots, ("obj", "prep:to", "prep:for"))
            return
        add_nested_preps(slots, ("prep:of", "prep:for"))
        verb = governing_verb(token)
        if verb is None:
            return
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None) or inherited_subject(
            verb, owners
        )
        passive = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
        if passive is not None and subject is None:
            # "X was awarded a contract": the passive subject receives what the verb gives.
            slots.setdefault("gov_subjpass", [passive])

        elif subject is not None:
            slots.setdefault("gov_subj", [subject])
        for child in verb.children:
            if child.dep_ == "prep" and child.i > token.i:
                for pobj in (c for c in child.children if c.dep_ == "pobj"):
                    slots.setdefault(f"gov_prep:{child.lower_}", []).append(pobj)
            if child.dep_ == "agent":
                for pobj in (c for c in child.children if c.dep_ == "pobj"):
                    slots.setdefault("agent", []).append(pobj)

    # --- the component ----------------------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        owners = company_tokens(doc)
        triggers = self.triggers(doc)
        by_sentence: dict[int, set[str]] = {}
        for trigger in triggers:
            if not trigger.generic:
                by_sentence.setdefault(trigger.token.sent.start, set()).add(trigger.deal_type)
        mentions = []
        for trigger in triggers:
            mention = self.mention(doc, trigger, owners, by_sentence.get(trigger.token.sent.start, set()))
            if mention is not None:
                mentions.append(mention)
        doc._.deals = [deal_as_dict(doc, group, owners) for group in merge_mentions(mentions)]

        return doc


# --- syntax helpers -------------------------------------------------------------------------------------------
def add_nested_preps(slots: dict[str, list[Token]], starts: tuple[str, ...]) -> None:
    """Prepositional arguments the parser attached below the object: "licensed rights to a therapy from Helixa",
    "acquire a 70% stake in Alpenmilch from Partners Group". The owner of a bought holding is its seller
    ("buy Domtar's 72 pct stake in Laurentian")."""
    frontier = [t for slot in starts for t in slots.get(slot, [])]
    for _ in range(3):
        below = []
        for token in frontier:
            if token.lemma_.lower() in HOLDING_NOUNS:
                slots.setdefault("prep:from", []).extend(c for c in token.children if c.dep_ == "poss")
            for prep in (c for c in token.children if c.dep_ == "prep"):
                objects = [c for c in prep.children if c.dep_ == "pobj"]
                if f"prep:{prep.lower_}" not in slots and prep.lower_ in ("from", "to", "with", "by", "for"):
                    slots[f"prep:{prep.lower_}"] = objects
                below += objects
        frontier = below


def governing_verb(token: Token) -> Token | None:
    """The verb a noun trigger depends on: "completed [its acquisition]", "won [a contract] from"."""
    head = token
    for _ in range(4):
        if head.dep_ in (
            "dobj",
            "attr",
            "nsubjpass",
            "pobj",
            "oprd",
            "appos",
            "conj",
            "compound",
            "prep",
            "nsubj",
        ):
            head = head.head
            if head.pos_ in ("VERB", "AUX"):
                return head
        else:
            return None
    return None


def inherited_subject(token: Token, owners: dict[int, int]) -> Token | None:
    """The subject of the nearest verb above whose subject the trigger shares (a company subject first).

    "Microsoft is poised to commit $10 billion … to renting servers" → renting inherits Microsoft."""
    current = token
    for _ in range(6):
        if current.dep_ == "relcl":
            return current.head  # "X, which agreed to buy Y": the relative clause's noun
        if current.dep_ not in INHERIT_DEPS or current.head == current:
            return None
        current = current.head
        subjects = [c for c in current.children if c.dep_ in SUBJECT_DEPS]
        if subjects:
            return next((s for s in subjects if s.i in owners), subjects[0])
    return None


def is_negated(token: Token) -> bool:
    """A negated trigger or governing verb ("did not win the contract"), or a denial above it. A negation
    that ends a deal ("chose not to exercise its option") is a termination, not a negation."""
    cues = status_cues()["negation"]
    if (
        any(t.lower_ == "without" for t in token.ancestors if t.i > token.sent.start)
        or token.head.lower_ == "without"
    ):
        return True  # "can fund the purchase without borrowing"
    sentence = token.sent.text.lower()
    if any(phrase in sentence for phrase in status_cues()["terminated"]["phrases"]):
        return False
    current: Token | None = token
    for _ in range(5):
        if current is None:
            break
        if any(c.dep_ == "neg" for c in current.children) or current.lemma_.lower() in cues["lemmas"]:
            return True
        current = current.head if current.head != current else None
    return any(phrase in sentence for phrase in cues["phrases"])


def resolve_companies(token: Token, owners: dict[int, int]) -> list[int]:
    """The companies an argument token stands for, with its conjuncts ("A, B and C")."""
    companies: list[int] = []
    for candidate in [token, *token.conjuncts]:
        for company in resolve_argument(candidate, owners):
            if company not in companies:
                companies.append(company)
    return companies


def resolve_argument(token: Token, owners: dict[int, int]) -> list[int]:
    """The argument's companies, with those coordinated inside the phrase ("A AB and Norway's B ASA")."""
    found = companies_of(token, owners)
    for child in token.children:
        if child.dep_ == "nmod" and child.i in owners:
            nested = [owners[child.i]] + [
                c for g in child.children if g.dep_ == "conj" for c in companies_of(g, owners)
            ]
            found.extend(c for c in nested if c not in found)
    return found


def companies_of(token: Token, owners: dict[int, int]) -> list[int]:
    """The company a token names or refers to (a pronoun may refer to several: "they")."""
    if token.i in owners:
        return [owners[token.i]]
    # "all outstanding shares of Kidde", "Domtar's stake in Laurentian": the holding stands for the company
    # it is a holding in (its owner is the seller, see `add_holding_owner`).
    if token.lemma_.lower() in HOLDING_NOUNS:
        for prep in (c for c in token.children if c.dep_ == "prep" and c.lower_ in ("of", "in")):
            for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                found = companies_of(pobj, owners)
                if found:
                    return found
    # "the German unit of Siemens", "makers Skanvik AB and Norrland Verkstad AB": the phrase's own modifiers.
    for child in token.children:
        if child.dep_ in ("compound", "poss", "appos", "nmod") and child.i in owners:
            return resolve_companies(child, owners) if child.dep_ == "appos" else [owners[child.i]]
    if token.lower_ in PRONOUNS or token.dep_ == "poss" or token.tag_ == "PRP$":
        return resolve_pronoun(token, owners)
    return []


def resolve_pronoun(token: Token, owners: dict[int, int]) -> list[int]:
    """ "it"/"its": the company subject of an enclosing clause, else of the previous sentence, else the latest;
    "they"/"their": all the companies of that subject ("A and B said they agreed to merge")."""
    plural = token.lower_ in PLURAL_PRONOUNS
    if token.lower_ in RELATIVE_PRONOUNS:
        clause = token.head
        if clause.dep_ == "relcl" and clause.head != token:
            return companies_of(clause.head, owners)
    current = token.head
    for _ in range(6):
        for child in current.children:
            if child.dep_ in SUBJECT_DEPS and child.i < token.i:
                found = resolve_companies(child, owners) if child.lower_ not in PRONOUNS else []
                if found and (not plural or len(found) > 1):
                    return found if plural else found[:1]
        if current.head == current:
            break
        current = current.head
    doc = token.doc
    sentence = token.sent
    previous_start = doc[sentence.start - 1].sent.start if sentence.start > 0 else sentence.start
    for i in range(token.i - 1, previous_start - 1, -1):
        if i in owners and doc[i].dep_ in SUBJECT_DEPS | {"compound"}:
            return resolve_companies(doc[i], owners) if plural else [owners[i]]
    for i in range(token.i - 1, max(previous_start - 1, -1), -1):
        if i in owners:
            return [owners[i]]
    return []


def listed_parties(trigger: Trigger, markers: list[str], owners: dict[int, int]) -> list[int]:
    """Companies named after a list marker of the trigger's sentence ("led by A, with participation from B and
    C"; "a consortium of lenders led by A and including B")."""
    sentence = trigger.token.sent
    text = sentence.text.lower()
    positions = [sentence.start_char + text.find(marker) for marker in markers if marker in text]
    if not positions:
        return []
    first = min(positions)
    found: list[int] = []
    for token in sentence:
        if token.idx >= first and token.i in owners and owners[token.i] not in found:
            found.append(owners[token.i])
    return found


CONTROL_WORDS = {"majority", "controlling", "control", "all", "remaining", "outstanding", "entire"}
PERCENT = re.compile(r"^(\d+(?:\.\d+)?)%?$")


def is_control_holding(token: Token) -> bool:
    """ "a majority stake", "all outstanding shares", "its 72 pct stake", "the remaining 45%"."""
    words = [t.lower_ for t in token.subtree]
    if set(words) & CONTROL_WORDS:
        return True
    for index, word in enumerate(words):
        match = PERCENT.match(word)
        follows = words[index + 1] if index + 1 < len(words) else ""
        if (
            match
            and (word.endswith("%") or follows in {"%", "pct", "percent", "per"})
            and float(match[1]) > 50
        ):
            return True
    return False


def buys_a_minority_holding(trigger: Trigger) -> bool:
    """A purchase or sale whose object is shares or a stake that does not give control ("buy a 9.9 per cent
    stake", "the sale of a 26 per cent stake")."""
    objects = trigger.slots.get("obj" if trigger.kind == "verb" else "prep:of", [])
    holdings = [t for t in objects if t.lemma_.lower() in HOLDING_NOUNS]

    return bool(holdings) and not is_control_holding(holdings[0])


def translated_roles(roles: dict[str, str], from_type: str, to_type: str) -> dict[str, str]:
    """A noun whose modifier changes its type ("a majority stake": investment → acquisition) keeps its slots but
    takes the new type's roles, position by position (investor → acquirer, investee → target)."""
    if from_type == to_type or from_type not in ROLE_FOR_PARTY or to_type not in ROLE_FOR_PARTY:
        return dict(roles)
    mapping = dict(zip(ROLE_FOR_PARTY[from_type], ROLE_FOR_PARTY[to_type], strict=True))
    return {slot: mapping.get(role, role) for slot, role in roles.items()}


def finalize_roles(deal_type: str, parties: dict[int, str]) -> dict[int, str]:
    """Turn generic "party" roles into the type's roles, and keep single-holder roles single. Parties with a
    specific role are placed first, so a generic party takes the role that is left."""
    first, second = ROLE_FOR_PARTY.get(deal_type, ("partner", "partner"))
    result: dict[int, str] = {}
    ordered = sorted(parties.items(), key=lambda item: item[1] == "party")
    for company, role in ordered:
        if role == "party":
            role = first if first not in result.values() else second
        if role not in MULTI_ROLES and role in result.values():
            counterpart = second if role == first else first
            if counterpart in result.values() and counterpart not in MULTI_ROLES:
                continue
            role = counterpart
        result[company] = role
    return result


def valid_party_set(deal_type: str, parties: dict[int, str]) -> bool:
    """Two different companies, except for the deals one company can make alone (an IPO, a bond issue,
    a contract won from a government)."""
    if len(parties) >= 2:
        return len(set(parties.values())) >= 2 or deal_type in ("partnership", "joint_venture", "merger")
    return len(parties) == 1 and next(iter(parties.values())) in SINGLE_PARTY_TYPES.get(deal_type, set())


def single_party_supported(deal_type: str, amount: dict[str, Any] | None) -> bool:
    """A one-company contract or debt deal ("won a £1.6bn contract from the Ministry of Defence", "priced
    $1.5 billion of notes") needs an amount; an IPO does not."""
    return deal_type == "ipo" or amount is not None


# --- status -----------------------------------------------------------------------------------------------------
def verb_chain(token: Token) -> list[Token]:
    chain = [token]
    current = token
    for _ in range(6):
        if current.head == current:
            break
        current = current.head
        chain.append(current)
    return chain


# Agreements that the past tense only announces ("has licensed its patents to", "has signed a loan"); for the
# other types the past tense reports completion ("acquired", "raised").
ANNOUNCED_IN_PAST_TENSE = {
    "contract",
    "partnership",
    "joint_venture",
    "licensing",
    "debt_financing",
    "merger",
}
YEAR = re.compile(r"^(19|20)\d\d$")


def deal_status(trigger: Token, sentence: Span, doc: Doc, deal_type: str) -> str:
    """Status from cues on the trigger's verb chain and in the sentence, then from a past year or tense."""
    cues = status_cues()
    chain = verb_chain(trigger)
    lemmas = {t.lemma_.lower() for t in chain}
    lemmas |= {
        c.lemma_.lower() for t in chain for c in t.children if c.dep_ in ("aux", "advmod", "prt", "acomp")
    }
    text = sentence.text.lower()
    for status in ("terminated", "rumored", "completed", "announced"):
        if lemmas & set(cues[status]["lemmas"]) or any(p in text for p in cues[status]["phrases"]):
            return status
    if doc._.published and earlier_year_mentioned(trigger, int(doc._.published[:4])):
        return "completed"  # "Google's $12.5 billion purchase of Motorola Mobility in 2012"
    verb = trigger if trigger.pos_ == "VERB" else governing_verb(trigger)
    if verb is not None and deal_type not in ANNOUNCED_IN_PAST_TENSE:
        aux = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
        if verb.tag_ == "VBD" and not aux & {"will", "would", "to"}:
            return "completed"
        if verb.tag_ == "VBN" and aux & {"has", "have", "had", "was", "were"}:
            return "completed"
    return "announced"


def earlier_year_mentioned(trigger: Token, published_year: int) -> bool:
    """A year before the article's own attached to the trigger or its verb ("purchase of Motorola in 2012")."""
    holders = [trigger, governing_verb(trigger) or trigger]
    for prep in (c for h in holders for c in h.children if c.dep_ == "prep" and c.lower_ in ("in", "during")):
        for token in prep.subtree:
            if YEAR.match(token.text) and int(token.text) < published_year:
                return True
    return False


# --- amount -----------------------------------------------------------------------------------------------------


def money_root(doc: Doc, money: dict[str, Any]) -> Token | None:
    span = doc.char_span(money["start"], money["end"], alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def path_to(token: Token, target: Token, limit: int = 8) -> list[Token] | None:
    """Tokens from `token` up through the lowest common ancestor and down to `target` (None if too far)."""
    up = [token]
    while up[-1].head != up[-1] and len(up) < 20:
        up.append(up[-1].head)
    target_up = [target]
    while target_up[-1].head != target_up[-1] and len(target_up) < 20:
        target_up.append(target_up[-1].head)
    common = next((t for t in up if t in target_up), None)
    if common is None:
        return None
    path = up[: up.index(common) + 1] + list(reversed(target_up[: target_up.index(common)]))
    return path if len(path) <= limit else None


def not_deal_value(doc: Doc, money: dict[str, Any], path: list[Token], trigger: Token) -> bool:
    """Revenue, valuations, spending plans, fees…: money whose context says it is not the deal's value."""
    context = amount_context()
    nouns, verbs = set(context["non_deal_nouns"]), set(context["non_deal_verbs"])
    for token in path:
        if token == trigger:
            continue
        lemma = token.lemma_.lower()
        if token.pos_ in ("NOUN", "PROPN") and (lemma in nouns or token.lower_ in nouns):
            return True
        if (
            token.pos_ == "VERB"
            and lemma == "value"
            and values_a_deal(token, set(context["deal_value_nouns"]))
        ):
            continue  # "a buyout valued at 1.3 bln dlrs" is the deal's value, "valuing the company at" is not
        if token.pos_ == "VERB" and lemma in verbs:
            return True
        if token.pos_ == "VERB":
            for child in token.children:
                if (
                    child.dep_ in ("dobj", "nsubj", "nsubjpass")
                    and child.lemma_.lower() in nouns
                    and child != trigger
                ):
                    return True
    before = doc.text[max(0, money["start"] - 30) : money["start"]].lower()
    after = doc.text[money["end"] : money["end"] + 30].lower()
    return any(before.rstrip().endswith(b) for b in context["before"]) or any(
        after.lstrip().startswith(a) for a in context["after"]
    )


def values_a_deal(verb: Token, deal_nouns: set[str]) -> bool:
    """ "the deal is valued at", "a buyout valued at": the valued thing is a transaction."""
    valued = [verb.head] if verb.dep_ == "acl" else []
    valued += [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "dobj")]
    return any(token.lemma_.lower() in deal_nouns for token in valued)


def usable_money(money: dict[str, Any]) -> bool:
    """Disclosed totals only: not per-share prices, and not amounts under 10,000 USD (prices of one unit)."""
    if money.get("per_share") or not money.get("disclosed", True) or money["value"] is None:
        return False
    return money.get("usd") is None or money["usd"] >= 10_000


def amount_dict(money: dict[str, Any]) -> dict[str, Any]:
    return {
        key: money[key] for key in ("text", "value", "currency", "usd", "approximate") if key in money
    } | ({"min": money["min"], "max": money["max"]} if "max" in money else {})


def amount_nearby(
    doc: Doc, evidence: Span, companies: set[int], owners: dict[int, int]
) -> dict[str, Any] | None:
    """For a deal whose sentence states no amount: money governed by a payment verb or a deal noun in one of
    the next sentences (or the one before) that names a party ("First Union said it paid 145.5 mln dlrs for
    Northgate")."""
    context = amount_context()
    verbs, nouns = set(context["amount_verbs"]), set(context["deal_value_nouns"])
    sentences = list(doc.sents)
    index = next(i for i, s in enumerate(sentences) if s.start == evidence.start)
    for sentence in sentences[index + 1 : index + 4] + sentences[max(0, index - 1) : index]:
        named = {owners[t.i] for t in sentence if t.i in owners}
        pronoun = any(t.lower_ in PRONOUNS for t in sentence)
        if not (named & companies or (pronoun and not named)):
            continue
        for money in doc._.money or []:
            if not (sentence.start_char <= money["start"] < sentence.end_char) or not usable_money(money):
                continue
            root = money_root(doc, money)
            governor = root
            for _ in range(4):
                if governor is None or governor.head == governor:
                    break
                governor = governor.head
                lemma = governor.lemma_.lower()
                if (governor.pos_ == "VERB" and lemma in verbs) or (
                    governor.pos_ == "NOUN" and lemma in nouns
                ):
                    path = path_to(root, governor) if root is not None else None
                    if path is not None and not not_deal_value(doc, money, path, governor):
                        return amount_dict(money)
                    break
    return None


def deal_amount(doc: Doc, trigger: Trigger, sentence: Span) -> dict[str, Any] | None:
    """The deal's value: the closest money to the trigger in its sentence that is a transaction value."""
    best: tuple[int, dict[str, Any]] | None = None
    for money in doc._.money or []:
        if not (sentence.start_char <= money["start"] < sentence.end_char):
            continue
        if not usable_money(money):
            continue
        root = money_root(doc, money)
        if root is None:
            continue
        path = path_to(root, trigger.token)
        if path is None or not_deal_value(doc, money, path, trigger.token):
            continue
        if best is None or len(path) < best[0]:
            best = (len(path), money)
    if best is None:
        return None
    return amount_dict(best[1])


# --- merging ----------------------------------------------------------------------------------------------------
def compatible(a: DealMention, b: DealMention) -> bool:
    """Two mentions describe the same deal: same party set (one may name fewer) and a compatible type."""
    same_family = TYPE_FAMILY[a.deal_type] == TYPE_FAMILY[b.deal_type]
    weak = {"partnership"}
    if not (same_family or a.deal_type in weak or b.deal_type in weak or a.generic or b.generic):
        return False
    pa, pb = set(a.parties), set(b.parties)
    if not (pa <= pb or pb <= pa):
        return False
    if a.deal_type == b.deal_type == "ipo" and pa == pb:
        return True  # one company's IPO, told twice (with other figures, such as what it raised before)
    if a.amount and b.amount and a.amount.get("usd") and b.amount.get("usd"):
        ratio = a.amount["usd"] / b.amount["usd"]
        if not 0.5 <= ratio <= 2:
            return False
    return True


def merge_mentions(mentions: Iterable[DealMention]) -> list[list[DealMention]]:
    groups: list[list[DealMention]] = []
    for mention in mentions:
        for group in groups:
            if all(compatible(mention, other) for other in group):
                group.append(mention)
                break
        else:
            groups.append([mention])
    # A group made only of one-party mentions that another deal of the article covers adds nothing; nor does
    # one told only in headings when the body tells a deal of the same family with a shared party.
    full = [g for g in groups if max(len(m.parties) for m in g) >= 2]
    kept = [g for g in groups if g in full or not any(covered(g, f) for f in full)]
    return [
        g
        for g in kept
        if not (only_in_headings(g) and any(restated(g, other) for other in kept if other is not g))
    ]


def only_in_headings(group: list[DealMention]) -> bool:
    return all(not m.sentence.text.rstrip().endswith((".", '"', "”", ")")) for m in group)


def restated(heading: list[DealMention], body: list[DealMention]) -> bool:
    if only_in_headings(body):
        return False
    same_family = TYPE_FAMILY[heading[0].deal_type] == TYPE_FAMILY[body[0].deal_type]
    shared = set().union(*(m.parties for m in heading)) & set().union(*(m.parties for m in body))
    return same_family and bool(shared)


def covered(group: list[DealMention], by: list[DealMention]) -> bool:
    companies = set().union(*(m.parties for m in by))
    return all(set(m.parties) <= companies for m in group)


def best_of(group: list[DealMention]) -> DealMention:
    """The mention that states the deal best: most parties, in the body rather than a headline, not generic,
    not a bare partnership, most confident."""
    return max(
        group,
        key=lambda m: (
            len(m.parties),
            not only_in_headings([m]),
            not m.generic,
            m.deal_type != "partnership",
            m.confidence,
            -m.sentence.start,
        ),
    )


def deal_as_dict(doc: Doc, group: list[DealMention], owners: dict[int, int]) -> dict[str, Any]:
    best = best_of(group)
    deal_type = best.deal_type
    parties: dict[int, str] = {}
    for mention in sorted(group, key=lambda m: m is not best):
        for company, role in mention.parties.items():
            if mention.deal_type == deal_type or company not in parties:
                parties.setdefault(company, role)
    parties = finalize_roles(deal_type, parties)
    amount = best.amount or next((m.amount for m in group if m.amount), None)
    if amount is None and deal_type not in ("partnership", "joint_venture"):
        amount = amount_nearby(doc, best.sentence, set(parties), owners)
    # The sentence that states the deal best also states its status; a termination told anywhere ends it.
    statuses = [m.status for m in group]
    status = "terminated" if "terminated" in statuses else best.status

    term = best.term or next((m.term for m in group if m.term), None)
    companies = doc._.companies
    confidence = min(0.99, best.confidence + 0.03 * (len(group) - 1))
    return {
        "type": deal_type,
        "status": status,
        "parties": [{"name": companies[c]["name"], "role": role} for c, role in sorted(parties.items())],
        "amount": amount,
        "term": term,
        "evidence": best.sentence.text.strip(),
        "evidence_start": best.sentence.start_char,
        "evidence_end": best.sentence.end_char,
        "confidence": round(confidence, 2),
        "mentions": sorted({m.sentence.text.strip() for m in group}),
    }


@Language.factory("dealwire_deals")
def make_deal_extractor(nlp: Language, name: str) -> DealExtractor:
    return DealExtractor(nlp)
