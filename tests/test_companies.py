"""Company recognition on the real spaCy model: canonical names, unification, filters, parents and units."""

from spacy.language import Language


def companies(nlp: Language, text: str) -> dict[str, list[str]]:
    doc = nlp(text)
    return {c["name"]: [m["text"] for m in c["mentions"]] for c in doc._.companies}


def test_legal_suffixes_possessives_and_descriptions_unify(nlp: Language) -> None:
    found = companies(
        nlp,
        "Microsoft Corp. is poised to commit $10 billion to renting servers from CoreWeave. "
        "The agreement allows the tech giant to add capacity quickly. Nvidia Corp.’s chips power CoreWeave.",
    )
    assert found["Microsoft"][:1] == ["Microsoft Corp."]
    assert "the tech giant" in found["Microsoft"]
    assert "Nvidia" in found and "CoreWeave" in found


def test_curated_names_are_companies_and_sources_are_not(nlp: Language) -> None:
    found = companies(
        nlp,
        "OpenAI is projecting $450 billion in server rentals, according to Reuters. "
        "The Information reported that AI spending is rising at Anthropic.",
    )
    assert {"OpenAI", "Anthropic"} <= set(found)
    assert not {"Reuters", "The Information", "Information", "AI"} & set(found)


def test_common_words_need_support_to_be_companies(nlp: Language) -> None:
    found = companies(nlp, "Shoppers hit their target as visa rules eased, and the block party went on.")
    assert not found


def test_unit_of_a_parent(nlp: Language) -> None:
    doc = nlp("Alphabet Inc.'s Google agreed to buy Wiz for $32 billion.")
    parents = {c["name"]: c["parent"] for c in doc._.companies}
    assert parents["Google"] == "Alphabet" and parents["Alphabet"] is None


def test_places_people_and_public_bodies_are_not_companies(nlp: Language) -> None:
    found = companies(
        nlp,
        "Anna Ostrowski, who runs the Lyon-based fund, said Ostrowski Capital is not for sale. "
        "The Ministry of Defence and the U.S. Army awarded contracts to BAE Systems plc.",
    )
    assert "BAE Systems" in found
    assert {"BAE Systems", "Ostrowski Capital"} <= set(found)
    assert not {"Lyon", "Ministry of Defence", "U.S. Army", "Ostrowski"} & set(found)
