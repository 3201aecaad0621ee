"""The deal vocabulary shared by extraction, storage and evaluation."""

# Types that can describe the same transaction ("its acquisition" / "the merger") share a family: mentions of one
# family merge within an article, and a stored deal is identified by its family and its parties.
TYPE_FAMILY = {
    "acquisition": "ma",
    "merger": "ma",
    "investment": "invest",
    "funding_round": "invest",
    "debt_financing": "debt",
    "ipo": "ipo",
    "contract": "contract",
    "partnership": "partnership",
    "joint_venture": "joint_venture",
    "licensing": "licensing",
}

# A deal's status moves forward along this order (terminated ends it, from any status).
STATUS_ORDER = {"rumored": 0, "announced": 1, "completed": 2, "terminated": 3}
