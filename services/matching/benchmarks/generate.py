"""Plausible matchmaking events with known answers, for the matching benchmarks.

An event has *planted themes*: a group of European participants offers what a group of Latin-American
participants requests, and requests what they offer. Planted partners share vocabulary only through one side's
offer and the other's request (their topics, descriptions and sector codes come from different sectors), so a
method finds them only if it reads offers against requests. Around them, background participants with random
profiles from the same vocabulary compete for every list.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from matching.domain.participant import Participant, ProfileItem
from matching.domain.policy import Policy, Side

SECTORS: dict[str, dict[str, list[str]]] = {
    "food": {
        "codes": ["C10.1", "C10.3", "C10.5", "C10.7", "C10.8"],
        "terms": """pasteurisation fermentation dairy cheese bakery gluten-free plant-based protein enzymes probiotics
            flavours sweeteners allergens traceability juices coffee cocoa olive-oil aquaculture seafood milling brewing
            wine spices frozen-vegetables dried-fruit honey sous-vide emulsifiers starch yeast""".split(),
    },
    "packaging": {
        "codes": ["C17.2", "C22.2", "C23.1", "C25.9"],
        "terms": """biodegradable compostable laminates retort-pouches barrier-films corrugated cartons labels
            modified-atmosphere vacuum-sealing glass-jars aluminium-cans bioplastics paperboard thermoforming
            blister closures pallets-wrap shrink-sleeves moulded-pulp recyclability coatings inks trays
            tamper-evident dispensers mono-material refill returnable""".split(),
    },
    "logistics": {
        "codes": ["H49.4", "H52.1", "H52.2", "H50.2"],
        "terms": """cold-chain warehousing cross-docking freight-forwarding customs-brokerage last-mile reefer-containers
            intermodal rail-freight route-optimisation fleet-telematics pallet-tracking temperature-loggers
            order-picking fulfilment port-terminals air-cargo bonded-warehouse reverse-logistics consolidation
            tracking-portal dangerous-goods yard-management drones load-planning""".split(),
    },
    "digital": {
        "codes": ["J62.0", "J63.1", "J58.2", "M72.1"],
        "terms": """machine-learning computer-vision erp-integration cybersecurity blockchain digital-twin iot-platform
            edge-computing predictive-maintenance data-analytics e-commerce marketplace chatbots augmented-reality
            cloud-hosting api-development mobile-apps scada mes-software dashboards rfid barcode-scanning
            robotic-process-automation simulation""".split(),
    },
    "energy": {
        "codes": ["D35.1", "D35.2", "C27.1", "C28.2"],
        "terms": """photovoltaics solar-thermal biogas anaerobic-digestion heat-pumps battery-storage hydrogen
            electrolysers wind-turbines energy-audits cogeneration waste-heat-recovery smart-grids microgrids
            ev-charging insulation lighting-retrofits biomass-boilers power-purchase-agreements demand-response
            inverters geothermal""".split(),
    },
    "water": {
        "codes": ["E36.0", "E37.0", "E38.3", "E39.0"],
        "terms": """desalination membranes reverse-osmosis wastewater-treatment sludge irrigation drip-emitters
            water-reuse leak-detection filtration ultraviolet-disinfection ozone effluent-monitoring rainwater-harvesting
            aeration flocculants pumps metering greywater nutrients-recovery""".split(),
    },
    "machinery": {
        "codes": ["C28.3", "C28.9", "C28.4", "C33.1"],
        "terms": """robotics grippers conveyors sorting-machines optical-inspection weighing extrusion spray-drying
            freeze-drying homogenisers mixers filling-lines capping labelling-machines palletisers cnc-machining
            hydraulics pneumatics stainless-steel welding spare-parts retrofitting""".split(),
    },
    "health": {
        "codes": ["C21.1", "C21.2", "M72.1", "Q86.9"],
        "terms": """nutraceuticals functional-foods clinical-trials diagnostics biomarkers microbiome vitamins collagen
            omega-3 antioxidants cosmetics botanicals extraction encapsulation regulatory-affairs dossiers
            bioavailability fortification infant-formula sports-nutrition""".split(),
    },
}
GENERIC = """solutions systems services development innovative partners market production quality sustainable
    industrial equipment technology processes efficiency customers export distribution supply projects""".split()
KINDS = ["business", "technology", "research", "partnership", "investment"]
EUROPE = ["DE", "FR", "IT", "ES", "PT", "NL", "BE", "AT", "PL", "SE", "DK", "FI", "IE", "CZ"]
CELAC = ["BR", "MX", "AR", "CL", "CO", "PE", "UY", "CR", "EC", "DO", "PA", "GT"]
POLICY = Policy(
    sides=(Side("europe", frozenset(EUROPE)), Side("celac", frozenset(CELAC))),
    allowed_side_pairs=frozenset({frozenset({"europe", "celac"})}),
)
_NAME_PARTS = """Agro Bio Nova Terra Aqua Solar Tec Pack Log Vita Flex Green Blue Alpha Prime Norte Sul Delta Vale
    Serra Mar Rio Sol Lux Max Pro Fort Clar""".split()
_LEGAL = ["GmbH", "S.A.", "SRL", "S.L.", "Ltda", "B.V.", "SAS", "S.p.A.", "Oy", "AB", "S.A. de C.V.", ""]


def _words(term: str) -> str:
    return term.replace("-", " ")


@dataclass
class Event:
    participants: list[Participant]
    relevant: dict[str, set[str]] = field(default_factory=dict)
    """For planted participants: the ids of their planted partners (the ground truth)."""
    policy: Policy = POLICY


class EventGenerator:
    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.counter = 0

    def _id(self) -> str:
        self.counter += 1
        return f"p{self.counter:06d}"

    def _organisation(self, sector: str) -> str:
        r = self.rng
        return f"{r.choice(_NAME_PARTS)}{r.choice(_NAME_PARTS).lower()} {sector.title()} {r.randint(1, 999)} {r.choice(_LEGAL)}".strip()

    def _item(self, terms: list[str]) -> ProfileItem:
        r = self.rng
        head, *rest = terms
        title = f"{_words(head)} {' '.join(_words(t) for t in rest[:1])} {r.choice(GENERIC)}".strip()
        description = (
            f"{r.choice(GENERIC).title()} for {', '.join(_words(t) for t in terms)}; "
            f"{r.choice(GENERIC)} and {r.choice(GENERIC)} with {_words(r.choice(terms))}."
        )
        return ProfileItem(r.choice(KINDS), title, description, tuple(_words(t) for t in terms[:3]))

    def _profile_text(self, sector: str, topics: list[str]) -> str:
        return (
            f"{self.rng.choice(GENERIC).title()} company in the {sector} sector, active in "
            f"{', '.join(_words(t) for t in topics)}."
        )

    def background(self, side: str | None = None) -> Participant:
        r = self.rng
        sector = r.choice(list(SECTORS))
        terms = SECTORS[sector]["terms"]
        country = r.choice(EUROPE if side == "europe" else CELAC if side == "celac" else r.choice([EUROPE, CELAC]))
        topics = r.sample(terms, r.randint(2, 4))
        other_sector = r.choice(list(SECTORS))
        return Participant(
            participant_id=self._id(),
            organisation=self._organisation(sector),
            country=country,
            offers=tuple(self._item(r.sample(terms, 3)) for _ in range(r.randint(1, 2))),
            requests=tuple(self._item(r.sample(SECTORS[other_sector]["terms"], 3)) for _ in range(r.randint(1, 2))),
            topics=tuple(_words(t) for t in topics),
            sector_codes=tuple(r.sample(SECTORS[sector]["codes"], r.randint(1, 2))),
            target_countries=tuple(r.sample(CELAC if country in EUROPE else EUROPE, r.randint(0, 3))),
            description=self._profile_text(sector, topics),
            delegation_id=f"delegation-{country}-{r.randint(1, 3)}" if r.random() < 0.2 else None,
        )

    def theme(self, group_size: int) -> tuple[list[Participant], dict[str, set[str]]]:
        """Two groups that complete each other, one European, one Latin-American."""
        r = self.rng
        theme_sector = r.choice(list(SECTORS))
        # Each member names three of the theme's five terms, so two planted partners may share only one word.
        pool = r.sample(SECTORS[theme_sector]["terms"], 10)
        first, second = pool[:5], pool[5:]
        sector_x, sector_y = r.sample([s for s in SECTORS if s != theme_sector], 2)
        groups: dict[str, list[Participant]] = {"europe": [], "celac": []}
        for side, offered, requested, own_sector in (
            ("europe", first, second, sector_x),
            ("celac", second, first, sector_y),
        ):
            for _ in range(group_size):
                topics = r.sample(SECTORS[own_sector]["terms"], 3)
                groups[side].append(
                    Participant(
                        participant_id=self._id(),
                        organisation=self._organisation(own_sector),
                        country=r.choice(EUROPE if side == "europe" else CELAC),
                        offers=(self._item(r.sample(offered, 3)),),
                        requests=(self._item(r.sample(requested, 3)),),
                        topics=tuple(_words(t) for t in topics),
                        sector_codes=(r.choice(SECTORS[own_sector]["codes"]),),
                        description=self._profile_text(own_sector, topics),
                    )
                )
        relevant = {}
        for side, other in (("europe", "celac"), ("celac", "europe")):
            partners = {p.participant_id for p in groups[other]}
            for p in groups[side]:
                relevant[p.participant_id] = partners
        return groups["europe"] + groups["celac"], relevant

    def event(self, themes: int, group_size: int, background: int) -> Event:
        participants: list[Participant] = []
        relevant: dict[str, set[str]] = {}
        for _ in range(themes):
            members, truth = self.theme(group_size)
            participants.extend(members)
            relevant.update(truth)
        participants.extend(self.background() for _ in range(background))
        self.rng.shuffle(participants)
        return Event(participants, relevant)
