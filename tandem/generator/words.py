"""The shared words of generated titles, descriptions, notes and names."""

from __future__ import annotations

COMPANY_OBJECTIVES = (
    "Grow revenue faster than the market",
    "Become the most trusted platform for {audience}",
    "Delight customers at every touchpoint",
    "Run a lean and efficient company",
    "Build the best place to work in our industry",
    "Expand in {region} with a product customers love",
    "Make our platform ready for ten times the scale",
    "Lead the market in product quality",
    "Earn a reputation for reliability {qual}",
    "Make sustainability part of how we operate",
    "Help {audience} succeed with less effort",
    "Turn data into a competitive advantage",
    "Double the number of {audience} who rely on us",
)

ROLLUP_TITLES = (
    "Divisions deliver the objectives aligned to this goal",
    "Every division lands its contribution to this goal",
    "Objectives aligned here reach their targets",
    "Division bets behind this goal pay off",
)

ADJECTIVES = (
    "effortless", "fast", "reliable", "delightful", "secure", "predictable", "transparent",
    "self-serve", "frictionless", "trustworthy", "instant", "accessible", "affordable", "simple",
    "resilient", "consistent", "personal", "world-class", "intuitive", "measurable", "scalable",
    "cost-efficient", "compliant", "dependable", "joyful", "data-driven", "proactive",
    "seamless", "robust", "clear",
)  # fmt: skip

AUDIENCES = (
    "new customers", "enterprise customers", "small businesses", "first-time buyers",
    "power users", "sellers", "partners", "developers", "internal users", "support agents",
    "finance partners", "mobile users", "returning customers", "account admins", "analysts",
    "our engineers", "new hires", "merchants", "couriers", "hosts", "students", "clinics",
    "public sector customers", "trial users", "free-tier users", "mid-market accounts",
    "operations staff", "managers", "creators", "travellers", "retailers",
    "healthcare providers", "nonprofits", "agencies", "resellers",
)  # fmt: skip

REGIONS = (
    "EMEA", "North America", "APAC", "LATAM", "Germany", "Japan", "Brazil", "India", "the UK",
    "France", "the Nordics", "Australia",
)  # fmt: skip

QUALIFIERS = (
    "in EMEA", "in North America", "in APAC", "in LATAM", "in Germany", "in Japan", "in Brazil",
    "in India", "in the UK", "on mobile", "on the web", "on Android", "on iOS",
    "for the holiday peak", "before year end", "at enterprise scale", "in every region",
    "in our top ten markets", "across all plans", "for regulated industries",
    "during peak hours", "in new markets", "for high-volume accounts",
)  # fmt: skip

# An objective title is a lead phrase about the object plus a separately drawn tail (audience,
# qualifier, benefit). With many leads and tails, any one combination of fixed words is rare,
# so TF-IDF similarity comes from the varied slots, as it would between real teams' titles.
TEAM_LEADS = (
    "Make {object} {adj}", "Deliver {adj} {object}", "Streamline {object}", "Reinvent {object}",
    "Strengthen {object}", "Transform {object}", "Elevate {object}", "Accelerate {object}",
    "Revamp {object}", "Harden {object}", "Rethink {object}", "Expand {object}",
    "Automate {object}", "Future-proof {object}", "Stabilise {object}", "Reimagine {object}",
    "Personalise {object}", "Simplify {object}", "Modernise {object}", "Scale {object}",
    "Fix {object} once and for all", "Perfect {object}", "Unify {object}", "Rebuild {object}",
    "Grow {object} usage", "Cut the cost of {object}", "Earn trust through {adj} {object}",
    "Win with {adj} {object}", "Raise the bar on {object}", "Set a new standard for {object}",
    "Put {adj} {object} first", "Invest in {adj} {object}", "Double down on {adj} {object}",
    "Lay {adj} foundations for {object}", "Get {object} ready", "Turn {object} into an advantage",
    "Own the quality of {object}", "Remove friction from {object}", "Close the gaps in {object}",
    "Catch up with competitors on {object}", "Make {adj} {object} the default",
    "Build {adj} {object}", "Keep {object} {adj}", "Professionalise {object}",
    "Open up {object}", "Industrialise {object}", "Clean up {object}", "Globalise {object}",
    "Measure and improve {object}", "Make {object} a strength",
)  # fmt: skip

INDIVIDUAL_LEADS = (
    "Become the go-to expert on {object}", "Grow my impact on {object}",
    "Sharpen my skills in {object}", "Take ownership of {adj} {object}",
    "Coach colleagues on {object}", "Champion {adj} {object}",
    "Learn the ins and outs of {object}", "Drive {object} improvements",
    "Improve my work on {object}", "Lead the {object} rollout", "Speak up for {adj} {object}",
    "Document how {object} works", "Pair with peers on {object}",
    "Keep the {object} backlog healthy", "Shadow experts in {object}",
    "Make my {object} work {adj}", "Bring fresh ideas to {object}", "Present {object} results",
    "Build credibility in {object}", "Own one part of {object}",
)  # fmt: skip

TAILS = (
    "for {audience}", "for {audience} {qual}", "{qual}", "so {audience} {benefit}",
    "so {audience} {benefit} {qual}", "",
)  # fmt: skip
TAIL_WEIGHTS = (30, 25, 15, 15, 5, 2)

BENEFITS = (
    "can self-serve", "stay longer", "trust us with more", "grow faster",
    "spend less time waiting", "see value on day one", "never lose work", "recommend us",
    "get answers faster", "feel in control", "can scale with us", "upgrade sooner",
    "need less support", "choose us over competitors", "can move faster",
    "stop working around us", "renew with confidence", "get it right the first time",
)  # fmt: skip

UP_TITLES = (
    "Increase {m} from {s} to {t}", "Grow {m} from {s} to {t}", "Raise {m} from {s} to {t}",
    "Lift {m} from {s} to {t}", "Take {m} from {s} to {t}", "Improve {m} from {s} to {t}",
    "Push {m} from {s} to {t}", "{M} reaches {t}, up from {s}",
)  # fmt: skip
DOWN_TITLES = (
    "Reduce {m} from {s} to {t}", "Cut {m} from {s} to {t}", "Lower {m} from {s} to {t}",
    "Bring {m} down from {s} to {t}", "Shrink {m} from {s} to {t}",
    "Drive {m} down from {s} to {t}", "{M} falls to {t}, down from {s}",
)  # fmt: skip
ABOVE_TITLES = (
    "Keep {m} above {x}", "Hold {m} at or above {x}", "Maintain {m} of at least {x}",
    "Never let {m} drop below {x}", "Sustain {m} above {x}",
)  # fmt: skip
BELOW_TITLES = (
    "Keep {m} below {x}", "Hold {m} under {x}", "Keep {m} at or below {x}", "Cap {m} at {x}",
    "Never let {m} exceed {x}",
)  # fmt: skip

# Outcome-style titles for boolean and milestone key results; none starts with an activity verb.
BOOLEAN_TITLES = (
    "{Audience} can use {object} without contacting support",
    "{Object} available to all {audience} {qual}",
    "No {audience} left on the legacy {object}",
    "{Object} passes the external audit",
    "{Object} meets the accessibility standard {qual}",
    "Zero manual steps left in {object}",
    "All {audience} served by the new {object}",
    "{Object} certified for regulated markets",
    "{Audience} rate {object} as easy to use in the quarterly survey",
)
MILESTONE_TITLES = (
    "{Object} ready for {audience} {qual}",
    "{Object} generally available {qual}",
    "{Object} rollout reaches every region",
    "New {object} adopted by {audience}",
    "{Object} upgrade in production {qual}",
)
# Deliberate quality problem: these read as tasks (kr-task-like).
TASK_TITLES = (
    "Launch {object} {qual}",
    "Launch the new {object} for {audience}",
    "Migrate {object} to the new platform",
    "Migrate {audience} to the new {object}",
)

# About 3% of all key results then read as tasks.
TASK_LIKE_SHARE = 0.1

MILESTONES = (
    "Problem statement agreed with stakeholders", "Design review signed off",
    "Prototype tested with five customers", "Pilot live with the first customers",
    "Beta open in EMEA", "Beta open in North America", "General availability in all regions",
    "Legacy path switched off", "Runbook and alerts in place", "Security review passed",
    "Load test at twice peak traffic", "Docs and training published", "Pricing approved",
    "Data migration verified", "Support staff trained", "Success dashboard live",
    "Feedback loop with sales in place", "Rollout to half of traffic", "Rollout to all traffic",
    "Vendor contract signed", "Accessibility audit passed", "Privacy review passed",
    "Launch retrospective held", "Pilot results reviewed with leadership",
)  # fmt: skip

WHY = (
    "{Audience} keep telling us that {object} is harder than it should be.",
    "{Object} drives a large share of our support contacts.",
    "Competitors have closed the gap on {object}.",
    "Growth in {region} depends on getting {object} right.",
    "{Object} is the first thing {audience} notice when something goes wrong.",
    "Last quarter showed that {object} limits how fast we can grow.",
    "Leadership asked for a clear plan on {object}.",
    "Most churned {audience} mention {object} in exit surveys.",
    "Regulators expect stronger controls around {object}.",
    "The cost of {object} grew faster than revenue.",
)
HOW = (
    "We will focus on the few changes with the largest effect.",
    "We start with a pilot and scale what works.",
    "Success means fewer escalations and happier {audience}.",
    "We will measure weekly and adjust course early.",
    "This builds on the groundwork from last quarter.",
    "We will learn from customers together with sales and support.",
    "We keep scope small and ship in increments.",
    "Anything that does not move these results waits until next quarter.",
)

NEEDS = (
    "An API for {object} that we can call from our side",
    "Capacity to review {object} changes before rollout",
    "Two engineers to help integrate {object}",
    "A data feed of {object} events",
    "Sign-off on {object} for {region}",
    "Priority fixes in {object} for {audience}",
    "Load testing support for {object}",
    "Documentation of {object} for our rollout",
    "Access to {object} dashboards",
    "A roadmap slot for {object} changes",
    "A decision on {object} ownership",
    "Test accounts and sandbox access for {object}",
)

NOTES = (
    "on plan", "blocked on a review", "pilot feedback positive", "holiday freeze slowed us",
    "new pipeline live", "waiting on a provider", "scope trimmed", "hiring gap",
    "great week", "metric definition changed", "an incident ate the sprint", "vendor delay",
    "first results from the experiment", "recovered after last week's dip",
    "data backfilled", "quiet week", "picked up pace", "needs a decision from leadership",
)  # fmt: skip

OVERRIDE_REASONS = (
    "scope changed mid-quarter", "metric definition changed", "deprioritised by leadership",
    "external dependency slipped", "target set before the reorganisation",
)  # fmt: skip

# What a team concentrates on within its area ("refunds tooling"). A team's focus is mostly
# its own, so topic words are shared by a few teams rather than by a whole domain, and the
# number of overlapping titles grows with the organisation instead of with its square.
FACETS = (
    "tooling", "reporting", "workflows", "APIs", "dashboards", "alerts", "controls",
    "playbooks", "automation", "documentation", "integrations", "pricing", "onboarding",
    "data quality", "error handling", "localisation", "permissions", "settings", "templates",
    "audits", "forecasts", "SLAs", "capacity", "costs", "latency", "accuracy", "adoption",
    "coverage", "self-service", "migration path", "test suite", "runbooks", "release process",
    "feedback loop", "usability", "search", "notifications", "analytics", "data model",
    "security model", "support flow", "handoffs", "roadmap", "experiments", "performance",
    "configuration", "compliance", "scalability",
)  # fmt: skip

# The segment an area team serves ("cross-border refunds"). Together with the facets this
# gives some ten thousand distinct topics, enough for the 13k teams of a 100k-person org.
SEGMENTS = (
    "core", "next-generation", "self-serve", "enterprise", "regional", "global", "internal",
    "customer-facing", "high-volume", "real-time", "partner", "mobile", "premium",
    "new-market", "legacy", "shared", "B2B", "consumer", "cross-border", "small-business",
    "public-sector", "multi-region", "tier-one", "large-account", "early-stage", "wholesale",
    "subscription", "marketplace", "in-store", "education", "healthcare", "nonprofit",
)  # fmt: skip

CONSONANTS = "bdfgklmnprstvz"
VOWELS = "aeiou"
ENDINGS = ("", "n", "r", "s", "x", "l", "ra", "on", "is", "ia", "ly", "da")

SQUADS = (
    "Core", "Platform", "Experience", "Insights", "Automation", "Quality", "Tooling", "Growth",
    "Enterprise", "Self-Serve", "API", "Web", "iOS", "Android", "Operations", "Foundations",
    "Labs", "Integrations", "Reliability", "Expansion",
)  # fmt: skip

NAME_SUFFIXES = (
    "EMEA", "Americas", "APAC", "North", "South", "East", "West", "Central", "Global", "Europe",
)  # fmt: skip

ORG_NAMES = (
    "Northwind", "Bluefjord", "Kestrel Labs", "Larkspur", "Tidewater", "Brightline",
    "Cobalt Ridge", "Helio Works", "Juniper and Co", "Silver Birch", "Quillon", "Meridian Loop",
    "Alder Systems", "Copperleaf", "Harbor Mint", "Lumen Fields",
)  # fmt: skip

FIRST_NAMES = (
    "Ana", "Ben", "Cai", "Dana", "Elif", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi",
    "Liam", "Maya", "Nikhil", "Olga", "Pablo", "Quinn", "Rosa", "Sami", "Tariq", "Uma",
    "Victor", "Wen", "Ximena", "Yusuf", "Zoë", "Aiko", "Bruno", "Chloé", "Dmitri", "Emma",
    "Fatima", "Giulia", "Hamza", "Ingrid", "Jamal", "Kira", "Lucas", "Mei", "Noah", "Oscar",
    "Priya", "Rafael", "Sofia", "Thabo", "Valentina", "William", "Yara", "Zain", "Amara",
    "Björn", "Camila", "Diego", "Esther", "Felix", "Hana", "Ivan", "Jia", "Kofi", "Leila",
    "Mateo", "Nadia", "Omar", "Paula", "Ravi", "Sara", "Tomás", "Ulla", "Vera", "Wei",
    "Yasmin", "Anders", "Beatriz", "Chen", "Daniel", "Emeka", "Freya", "Gabriel", "Helena",
    "Isaac", "Julia", "Karim", "Lena", "Marco", "Nora", "Olivia", "Peter", "Rania", "Stefan",
    "Tanvi", "Ugo", "Wanjiru", "Xavier", "Youssef", "Zara", "Adele", "Bilal", "Clara", "Derek",
    "Eva", "Fernando", "Gita", "Henrik", "Ife", "Joon", "Kaito", "Lucia", "Mohammed", "Nina",
    "Oren", "Pia", "Renée", "Siddharth", "Tessa", "Umar", "Vikram", "Willa", "Yuki", "Åsa",
)  # fmt: skip

LAST_NAMES = (
    "Lima", "Okafor", "Tanaka", "Schmidt", "García", "Nguyen", "Kowalski", "Haddad", "Silva",
    "Johansson", "Mensah", "Patel", "Rossi", "Dubois", "Kim", "Novak", "Andersen", "Costa",
    "Ivanova", "Yilmaz", "Müller", "Fernández", "Chen", "Singh", "O'Brien", "Murphy", "Hughes",
    "Moreau", "Bianchi", "Sato", "Suzuki", "Park", "Khan", "Ahmed", "Hassan", "Mwangi",
    "Adeyemi", "Nakamura", "Larsen", "Berg", "Lindqvist", "Fischer", "Weber", "Wagner",
    "Romero", "Alvarez", "Santos", "Pereira", "Oliveira", "Rodrigues", "Kaur", "Sharma",
    "Gupta", "Das", "Reddy", "Wong", "Lee", "Liu", "Zhang", "Wang", "Ito", "Kato", "Mori",
    "Petrov", "Smirnov", "Horvath", "Nagy", "Popescu", "Dimitrov", "Papadopoulos", "Cohen",
    "Levi", "Friedman", "Abebe", "Tesfaye", "Diallo", "Traoré", "Banda", "Phiri", "Walker",
    "Taylor", "Brown", "Wilson", "Evans", "Thomas", "Roberts", "Clarke", "Baker", "Turner",
    "Mitchell", "Campbell", "Stewart", "Morris", "Reyes", "Cruz", "Flores", "Torres", "Ramos",
    "Herrera", "Vargas", "Castro", "Ortiz", "Jansen", "De Vries", "Bakker", "Visser", "Peeters",
    "Maes", "Lambert", "Fontaine", "Girard", "Keller", "Huber", "Brunner", "Nieminen",
    "Virtanen", "Hansen", "Nilsen", "Eriksen", "Björk", "Holm", "Quispe",
)  # fmt: skip

FORCED_FORMS = ("up", "down", "above", "below", "boolean", "milestones")
