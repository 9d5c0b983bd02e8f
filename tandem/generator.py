"""Synthetic organisations for demos, tests and benchmarks.

:func:`generate_organization` builds a plain dict in exactly the shape of the OKR file
(SPEC section 1): a company tree of 3 to 5 levels, weekly check-ins up to the as-of date,
dependencies in every state and a sprinkling of the quality problems ``tandem lint`` looks
for. :func:`write_organization` writes it as YAML, fast enough for 100k people.

Everything is derived from one ``random.Random(seed)``; the clock is never read, so the same
arguments always give the same output.
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

from tandem.okrfile.writer import write_yaml

__all__ = [
    "DEFAULT_AS_OF",
    "MIN_PEOPLE",
    "generate_organization",
    "write_organization",
    "write_yaml",
]

DEFAULT_AS_OF = date(2026, 11, 15)
# Below this the tree cannot have three levels with a lead in every team.
MIN_PEOPLE = 10

_T = TypeVar("_T")


# --- vocabulary ------------------------------------------------------------------------------
#
# Titles must stay varied at 100k people (the overlap detector compares them with TF-IDF), so
# every team draws from its own domain's areas and metrics, combined with shared adjectives,
# audiences and qualifiers.


@dataclass(frozen=True, slots=True)
class _MetricSpec:
    phrase: str
    unit: str
    up: bool  # the direction that counts as better
    low: float
    high: float
    # Metrics where teams legitimately pull in opposite directions (handle time, discounts):
    # they occasionally produce a "conflicting key results" finding.
    two_sided: bool = False

    @property
    def decimals(self) -> int:
        span = self.high - self.low
        return 0 if span >= 20 else 1 if span >= 2 else 2


@dataclass(frozen=True, slots=True)
class _Domain:
    name: str
    slug: str
    areas: tuple[str, ...]
    metrics: tuple[_MetricSpec, ...]


@dataclass(frozen=True, slots=True)
class _Theme:
    name: str
    slug: str
    domains: tuple[_Domain, ...]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _ascii(text).lower()).strip("-")


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _parse_metrics(spec: str) -> tuple[_MetricSpec, ...]:
    """``"phrase|unit|up|low|high[|both]; ..."`` into metric specs (compact to keep the table
    readable)."""
    metrics = []
    for item in spec.split(";"):
        parts = [part.strip() for part in item.split("|")]
        phrase, unit, direction, low, high = parts[:5]
        metrics.append(
            _MetricSpec(
                phrase=phrase,
                unit=unit,
                up=direction == "up",
                low=float(low),
                high=float(high),
                two_sided=parts[5:] == ["both"],
            )
        )
    return tuple(metrics)


def _domain(name: str, areas: str, metrics: str) -> _Domain:
    return _Domain(
        name=name,
        slug=_slug(name),
        areas=tuple(area.strip() for area in areas.split(";")),
        metrics=_parse_metrics(metrics),
    )


def _sales(region: str) -> _Domain:
    return _domain(
        f"Sales {region}",
        "new logos; enterprise accounts; mid-market deals; renewals; pipeline hygiene;"
        " sales enablement; channel deals; expansion deals",
        f"new ARR in {region}|M USD|up|1|80; win rate on qualified deals|%|up|10|45;"
        " sales cycle length|days|down|20|180; pipeline coverage|x|up|1.5|5;"
        " reps at or above quota|%|up|30|90; discount on closed deals|%|down|5|35",
    )


_THEMES: tuple[_Theme, ...] = tuple(
    _Theme(name, _slug(name), domains)
    for name, domains in (
        (
            "Product",
            (
                _domain(
                    "Search",
                    "search ranking; query understanding; autocomplete; search indexing;"
                    " zero-result queries; voice search; search filters; spelling correction",
                    "search click-through rate|%|up|20|60; p95 search latency|ms|down|80|1200;"
                    " zero-result rate|%|down|1|15; searches ending in a purchase|%|up|5|30;"
                    " index freshness lag|min|down|1|240; mean reciprocal rank|score|up|0.2|0.9",
                ),
                _domain(
                    "Discovery",
                    "home feed; recommendation carousels; category pages; curated collections;"
                    " trending lists; editorial picks; related items",
                    "feed engagement rate|%|up|10|45; items discovered per session|items|up|2|12;"
                    " bounce rate on category pages|%|down|20|70;"
                    " daily active browsers|users|up|50000|900000",
                ),
                _domain(
                    "Onboarding",
                    "sign-up flow; first-run experience; account setup; email verification;"
                    " guided tours; sample projects; welcome emails",
                    "sign-up completion rate|%|up|30|90; time to first value|min|down|3|120;"
                    " day-7 retention of new users|%|up|15|60; activation rate|%|up|20|75;"
                    " drop-off in account setup|%|down|5|50",
                ),
                _domain(
                    "Growth",
                    "referral program; viral loops; pricing page; trial conversion;"
                    " lifecycle emails; win-back campaigns; landing pages",
                    "trial-to-paid conversion|%|up|3|25;"
                    " weekly active users|users|up|20000|2000000;"
                    " referral sign-ups per week|sign-ups|up|100|5000;"
                    " paid acquisition cost|USD|down|20|400;"
                    " churned users won back|users|up|50|3000",
                ),
                _domain(
                    "Notifications",
                    "push notifications; email digests; in-app messages; notification preferences;"
                    " SMS alerts; delivery pipeline",
                    "notification opt-out rate|%|down|1|20; push open rate|%|up|2|25;"
                    " delivery latency|s|down|1|300;"
                    " spam complaints per million emails|complaints|down|5|300",
                ),
                _domain(
                    "Mobile",
                    "iOS app; Android app; offline mode; app start-up; mobile release train;"
                    " app store presence; tablet layouts",
                    "crash-free sessions|%|up|97|99.95; app store rating|stars|up|3.2|4.8;"
                    " cold start time|ms|down|400|4000;"
                    " mobile weekly active users|users|up|50000|3000000; app size|MB|down|30|250",
                ),
                _domain(
                    "Web",
                    "web app shell; page performance; UI component library; browser support;"
                    " web accessibility; marketing site; SEO",
                    "largest contentful paint|ms|down|900|5000;"
                    " organic search visits|visits|up|50000|3000000;"
                    " UI component library adoption|%|up|20|95;"
                    " open accessibility issues|issues|down|5|400; web conversion rate|%|up|1|8",
                ),
                _domain(
                    "Personalization",
                    "user profiles; personalized ranking; content affinities;"
                    " cold-start recommendations; preference centre; lookalike audiences",
                    "recommendation click-through rate|%|up|2|20;"
                    " share of sessions personalized|%|up|10|90;"
                    " model refresh interval|h|down|1|168; revenue from recommendations|%|up|5|35",
                ),
                _domain(
                    "Collaboration",
                    "shared workspaces; comments; real-time editing; sharing permissions;"
                    " mentions; activity feed",
                    "workspaces with three or more active members|%|up|10|60;"
                    " comments per active user|comments|up|1|20;"
                    " sync conflicts per thousand edits|conflicts|down|1|50",
                ),
            ),
        ),
        (
            "Commerce",
            (
                _domain(
                    "Payments",
                    "card payments; payouts; fraud screening; refunds; chargebacks;"
                    " digital wallets; reconciliation; local payment methods; bank transfers",
                    "payment authorisation rate|%|up|85|99.5; payout delay|h|down|2|96;"
                    " fraud loss rate|bps|down|2|60; refund processing time|days|down|1|14;"
                    " chargeback rate|bps|down|5|120;"
                    " share of volume on local payment methods|%|up|5|60",
                ),
                _domain(
                    "Billing",
                    "invoicing; usage metering; dunning; tax calculation; credit notes;"
                    " billing portal; revenue recognition",
                    "invoice accuracy|%|up|95|99.9; failed payment recovery rate|%|up|20|80;"
                    " billing tickets per week|tickets|down|20|800;"
                    " days sales outstanding|days|down|20|75; metering delay|min|down|1|600",
                ),
                _domain(
                    "Checkout",
                    "cart; checkout flow; address entry; express checkout; guest checkout;"
                    " order confirmation; promo codes",
                    "checkout conversion rate|%|up|40|85; cart abandonment rate|%|down|25|80;"
                    " checkout p95 load time|ms|down|300|3000;"
                    " orders placed with express checkout|%|up|5|60",
                ),
                _domain(
                    "Pricing",
                    "price experiments; discount policy; packaging; regional pricing; price quotes;"
                    " enterprise price books",
                    "average revenue per account|USD|up|40|900;"
                    " discount rate on new deals|%|down|5|40|both;"
                    " quote turnaround time|h|down|2|96; gross margin on new plans|%|up|40|85",
                ),
                _domain(
                    "Subscriptions",
                    "plan upgrades; renewals; cancellation flow; annual plans; seat management;"
                    " free trials",
                    "monthly subscriber churn|%|down|1|9; annual plan share|%|up|10|70;"
                    " upgrade rate|%|up|1|15; net revenue retention|%|up|90|140",
                ),
                _domain(
                    "Marketplace",
                    "seller onboarding; listing quality; seller tools; buyer protection;"
                    " reviews and ratings; product catalogue; seller analytics",
                    "active sellers|sellers|up|500|40000; listings with complete data|%|up|40|98;"
                    " time to first sale for new sellers|days|down|3|60;"
                    " buyer dispute rate|%|down|0.2|5; gross merchandise value|M USD|up|5|900",
                ),
            ),
        ),
        (
            "Platform",
            (
                _domain(
                    "Infrastructure",
                    "compute clusters; container platform; capacity planning; cloud costs;"
                    " edge network; remote build cache; database fleet",
                    "monthly cloud spend|k USD|down|200|9000; cluster utilisation|%|up|25|80;"
                    " time to provision a service|min|down|5|2880;"
                    " hosts on the current OS|%|up|40|100",
                ),
                _domain(
                    "Reliability",
                    "incident response; on-call health; service level objectives;"
                    " disaster recovery; chaos testing; postmortems; capacity alerts",
                    "availability of core APIs|%|up|99|99.99; mean time to restore|min|down|10|300;"
                    " sev-1 incidents per quarter|incidents|down|1|25;"
                    " services with defined SLOs|%|up|20|100;"
                    " pages per on-call shift|pages|down|1|40",
                ),
                _domain(
                    "Developer Productivity",
                    "CI pipelines; CI build times; developer portal; code review; test flakiness;"
                    " local environments; release tooling",
                    "median CI time|min|down|5|60; flaky test rate|%|down|0.5|15;"
                    " deploys per engineer per week|deploys|up|1|15;"
                    " lead time for changes|h|down|2|240; developer satisfaction|points|up|20|80",
                ),
                _domain(
                    "Security",
                    "vulnerability management; secrets handling; access reviews; security training;"
                    " threat detection; endpoint security; software supply chain",
                    "critical vulnerabilities past SLA|vulnerabilities|down|0|60;"
                    " mean time to patch critical CVEs|days|down|2|45;"
                    " staff who completed security training|%|up|60|100;"
                    " services behind single sign-on|%|up|40|100;"
                    " phishing simulation click rate|%|down|1|25",
                ),
                _domain(
                    "Identity",
                    "single sign-on; login; multi-factor authentication; account recovery;"
                    " permissions model; session management",
                    "login success rate|%|up|90|99.8; accounts with MFA enabled|%|up|10|95;"
                    " account takeover incidents|incidents|down|0|80;"
                    " password reset tickets per week|tickets|down|10|900",
                ),
                _domain(
                    "Observability",
                    "logging pipeline; metrics platform; distributed tracing; alerting;"
                    " service dashboards; error tracking",
                    "services with tracing|%|up|10|100; alert noise ratio|%|down|10|80;"
                    " log ingestion cost|k USD|down|20|600; time to detect incidents|min|down|1|60",
                ),
                _domain(
                    "Networking",
                    "service mesh; load balancers; DNS; content delivery; private connectivity;"
                    " edge caching",
                    "CDN cache hit ratio|%|up|60|98;"
                    " p99 latency between regions|ms|down|40|400; egress cost|k USD|down|10|700",
                ),
                _domain(
                    "Storage",
                    "object storage; backups; database upgrades; data retention; block storage;"
                    " archival",
                    "backup restore success rate|%|up|90|100; storage cost per TB|USD|down|8|60;"
                    " replication lag|s|down|1|120",
                ),
            ),
        ),
        (
            "Data",
            (
                _domain(
                    "Data Platform",
                    "data warehouse; streaming pipelines; data lake; batch jobs; schema registry;"
                    " data contracts; self-serve SQL",
                    "pipelines meeting their freshness SLA|%|up|70|99.5;"
                    " failed nightly jobs per week|jobs|down|0|60;"
                    " warehouse query p90|s|down|2|120;"
                    " datasets with an owner|%|up|30|100",
                ),
                _domain(
                    "Analytics",
                    "business dashboards; metric definitions; self-serve reporting; forecasting;"
                    " executive reporting; product analytics",
                    "decisions backed by a shared metric|%|up|20|90;"
                    " dashboard load time|s|down|1|40;"
                    " ad-hoc data requests per week|requests|down|5|200;"
                    " weekly active dashboard users|users|up|50|4000",
                ),
                _domain(
                    "Machine Learning",
                    "model training platform; feature store; model serving; ranking models;"
                    " forecasting models; data labelling; model monitoring",
                    "time to deploy a model|days|down|1|45;"
                    " models with drift monitoring|%|up|10|100;"
                    " inference p99 latency|ms|down|20|800; offline-online metric gap|%|down|1|25",
                ),
                _domain(
                    "Experimentation",
                    "A/B testing platform; experiment reviews; metric guardrails; feature flags;"
                    " holdout groups",
                    "experiments started per month|experiments|up|5|300;"
                    " experiments with a pre-registered hypothesis|%|up|20|100;"
                    " time to experiment result|days|down|3|40",
                ),
                _domain(
                    "Data Governance",
                    "data catalogue; privacy requests; retention rules; access controls for data;"
                    " data quality checks; consent records",
                    "privacy requests closed within 30 days|%|up|60|100;"
                    " tables with quality checks|%|up|10|95;"
                    " personal data fields classified|%|up|20|100",
                ),
            ),
        ),
        (
            "Customer",
            (
                _domain(
                    "Support",
                    "ticket triage; self-service help; chat support; phone support; escalations;"
                    " support tooling; knowledge base",
                    "first response time|h|down|0.5|48;"
                    " customer satisfaction with support|%|up|70|98;"
                    " tickets resolved without escalation|%|up|50|95;"
                    " backlog of open tickets|tickets|down|50|9000;"
                    " self-service resolution rate|%|up|10|70;"
                    " average handle time|min|down|4|40|both",
                ),
                _domain(
                    "Customer Success",
                    "account health; business reviews; renewal risk; adoption playbooks;"
                    " customer onboarding; executive sponsorship",
                    "gross revenue retention|%|up|80|98; accounts with a success plan|%|up|20|100;"
                    " time to onboard enterprise accounts|days|down|7|120;"
                    " net promoter score|NPS|up|-10|70",
                ),
                _domain(
                    "Documentation",
                    "API reference; tutorials; release notes; docs search; code samples;"
                    " localised docs",
                    "docs pages rated helpful|%|up|40|90;"
                    " tickets caused by missing docs|tickets|down|5|400;"
                    " docs pages translated|pages|up|20|3000",
                ),
                _domain(
                    "Community",
                    "community forum; user groups; developer advocacy; community events;"
                    " ambassador program; forum moderation",
                    "forum questions answered within 24 hours|%|up|30|95;"
                    " monthly active community members|members|up|200|40000;"
                    " event attendees|attendees|up|50|8000",
                ),
                _domain(
                    "Trust & Safety",
                    "content moderation; abuse detection; appeals; policy enforcement;"
                    " spam prevention; safety reporting tools",
                    "harmful content removed within an hour|%|up|40|99;"
                    " spam accounts created per day|accounts|down|10|20000;"
                    " appeal resolution time|days|down|1|30; moderation accuracy|%|up|80|99",
                ),
            ),
        ),
        (
            "Revenue",
            (
                _sales("EMEA"),
                _sales("North America"),
                _sales("APAC"),
                _sales("LATAM"),
                _sales("DACH"),
                _domain(
                    "Partnerships",
                    "technology partners; resellers; integration marketplace; co-selling;"
                    " partner enablement; strategic alliances",
                    "partner-sourced revenue|M USD|up|0.5|60; certified partners|partners|up|5|600;"
                    " live integrations|integrations|up|5|400",
                ),
                _domain(
                    "Marketing",
                    "brand campaigns; product marketing; content marketing; customer stories;"
                    " event marketing; website messaging",
                    "marketing-qualified leads|leads|up|200|30000;"
                    " brand awareness in target markets|%|up|5|60;"
                    " cost per lead|USD|down|20|600; share of voice|%|up|2|40",
                ),
                _domain(
                    "Demand Generation",
                    "paid search; paid social; webinars; lead scoring; nurture programs;"
                    " account-based marketing",
                    "pipeline from marketing|M USD|up|1|200; lead-to-opportunity rate|%|up|2|30;"
                    " cost per opportunity|USD|down|200|9000",
                ),
            ),
        ),
        (
            "Operations",
            (
                _domain(
                    "Logistics",
                    "last-mile delivery; warehouse operations; returns handling;"
                    " carrier management; delivery tracking; packaging",
                    "on-time delivery rate|%|up|80|99.5; cost per parcel|USD|down|2|15;"
                    " return processing time|days|down|1|20; damaged shipments|%|down|0.1|5",
                ),
                _domain(
                    "Procurement",
                    "vendor onboarding; purchase orders; contract renewals; spend analytics;"
                    " supplier risk",
                    "spend under contract|%|up|40|98; purchase order cycle time|days|down|1|30;"
                    " savings from renegotiated contracts|k USD|up|50|9000",
                ),
                _domain(
                    "IT",
                    "laptop fleet; service desk; SaaS licences; office networks;"
                    " device management; equipment for new hires",
                    "IT tickets resolved the same day|%|up|40|95;"
                    " unused SaaS licences|licences|down|20|4000;"
                    " new hires productive on day one|%|up|40|100;"
                    " devices on the latest OS|%|up|40|100",
                ),
                _domain(
                    "Facilities",
                    "office space; workplace safety; energy use; desk booking; visitor management",
                    "office energy use|MWh|down|50|3000;"
                    " workplace safety incidents|incidents|down|0|40;"
                    " office utilisation|%|up|20|85",
                ),
                _domain(
                    "Supply Chain",
                    "demand forecasting; inventory planning; supplier lead times;"
                    " stock availability; purchasing",
                    "in-stock rate|%|up|85|99.5; forecast error|%|down|5|45;"
                    " inventory days on hand|days|down|15|120; supplier lead time|days|down|3|60",
                ),
            ),
        ),
        (
            "Corporate",
            (
                _domain(
                    "Finance",
                    "monthly close; budgeting; financial planning; expense management; treasury;"
                    " audit readiness",
                    "days to close the books|days|down|3|20; forecast accuracy|%|up|70|98;"
                    " expense reports paid within five days|%|up|50|99;"
                    " open audit findings|findings|down|0|40",
                ),
                _domain(
                    "Legal",
                    "contract review; compliance programs; privacy program; intellectual property;"
                    " policy library; regulatory filings",
                    "contract turnaround time|days|down|1|30;"
                    " contracts on standard terms|%|up|30|95;"
                    " compliance training completion|%|up|60|100",
                ),
                _domain(
                    "People",
                    "performance reviews; compensation; employee engagement; internal mobility;"
                    " wellbeing; diversity and inclusion; people analytics",
                    "employee engagement score|points|up|50|90; regretted attrition|%|down|2|20;"
                    " roles filled by internal moves|%|up|10|50;"
                    " managers trained on feedback|%|up|20|100",
                ),
                _domain(
                    "Recruiting",
                    "candidate sourcing; interview loops; offer process; employer brand;"
                    " university hiring; recruiting tools",
                    "time to hire|days|down|15|90; offer acceptance rate|%|up|60|95;"
                    " candidates rating the process good|%|up|50|95;"
                    " hires from referrals|%|up|10|50",
                ),
                _domain(
                    "Learning",
                    "leadership development; onboarding curriculum; technical training;"
                    " learning platform; mentoring program",
                    "employees completing a course|%|up|20|90;"
                    " new hire ramp-up time|weeks|down|2|20;"
                    " active mentoring pairs|pairs|up|10|1500",
                ),
            ),
        ),
    )
)

# Any team may also measure itself on these.
_GENERIC_METRICS = _parse_metrics(
    "roadmap items delivered on time|%|up|40|95; engagement survey score|points|up|50|90;"
    " share of unplanned work|%|down|5|50; bugs older than 30 days|bugs|down|0|400;"
    " cost per transaction|USD|down|0.05|2; customer-reported defects per month|defects|down|2|300"
)

_COMPANY_METRICS = _parse_metrics(
    "annual recurring revenue|M USD|up|20|900; net revenue retention|%|up|95|140;"
    " gross margin|%|up|50|85; customer NPS|NPS|up|0|70;"
    " active customers|customers|up|5000|900000; availability of the product|%|up|99|99.99;"
    " employee engagement|points|up|60|90; regretted attrition|%|down|3|15;"
    " operating expenses as a share of revenue|%|down|40|90;"
    " carbon emissions per customer|kg|down|5|80; time to value for new customers|days|down|2|60"
)

_COMPANY_OBJECTIVES = (
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

_ROLLUP_TITLES = (
    "Divisions deliver the objectives aligned to this goal",
    "Every division lands its contribution to this goal",
    "Objectives aligned here reach their targets",
    "Division bets behind this goal pay off",
)

_ADJECTIVES = (
    "effortless", "fast", "reliable", "delightful", "secure", "predictable", "transparent",
    "self-serve", "frictionless", "trustworthy", "instant", "accessible", "affordable", "simple",
    "resilient", "consistent", "personal", "world-class", "intuitive", "measurable", "scalable",
    "cost-efficient", "compliant", "dependable", "joyful", "data-driven", "proactive",
    "seamless", "robust", "clear",
)  # fmt: skip

_AUDIENCES = (
    "new customers", "enterprise customers", "small businesses", "first-time buyers",
    "power users", "sellers", "partners", "developers", "internal users", "support agents",
    "finance partners", "mobile users", "returning customers", "account admins", "analysts",
    "our engineers", "new hires", "merchants", "couriers", "hosts", "students", "clinics",
    "public sector customers", "trial users", "free-tier users", "mid-market accounts",
    "operations staff", "managers", "creators", "travellers", "retailers",
    "healthcare providers", "nonprofits", "agencies", "resellers",
)  # fmt: skip

_REGIONS = (
    "EMEA", "North America", "APAC", "LATAM", "Germany", "Japan", "Brazil", "India", "the UK",
    "France", "the Nordics", "Australia",
)  # fmt: skip

_QUALIFIERS = (
    "in EMEA", "in North America", "in APAC", "in LATAM", "in Germany", "in Japan", "in Brazil",
    "in India", "in the UK", "on mobile", "on the web", "on Android", "on iOS",
    "for the holiday peak", "before year end", "at enterprise scale", "in every region",
    "in our top ten markets", "across all plans", "for regulated industries",
    "during peak hours", "in new markets", "for high-volume accounts",
)  # fmt: skip

# An objective title is a lead phrase about the object plus a separately drawn tail (audience,
# qualifier, benefit). With many leads and tails, any one combination of fixed words is rare,
# so TF-IDF similarity comes from the varied slots, as it would between real teams' titles.
_TEAM_LEADS = (
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

_INDIVIDUAL_LEADS = (
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

_TAILS = (
    "for {audience}", "for {audience} {qual}", "{qual}", "so {audience} {benefit}",
    "so {audience} {benefit} {qual}", "",
)  # fmt: skip
_TAIL_WEIGHTS = (30, 25, 15, 15, 5, 2)

_BENEFITS = (
    "can self-serve", "stay longer", "trust us with more", "grow faster",
    "spend less time waiting", "see value on day one", "never lose work", "recommend us",
    "get answers faster", "feel in control", "can scale with us", "upgrade sooner",
    "need less support", "choose us over competitors", "can move faster",
    "stop working around us", "renew with confidence", "get it right the first time",
)  # fmt: skip

_UP_TITLES = (
    "Increase {m} from {s} to {t}", "Grow {m} from {s} to {t}", "Raise {m} from {s} to {t}",
    "Lift {m} from {s} to {t}", "Take {m} from {s} to {t}", "Improve {m} from {s} to {t}",
    "Push {m} from {s} to {t}", "{M} reaches {t}, up from {s}",
)  # fmt: skip
_DOWN_TITLES = (
    "Reduce {m} from {s} to {t}", "Cut {m} from {s} to {t}", "Lower {m} from {s} to {t}",
    "Bring {m} down from {s} to {t}", "Shrink {m} from {s} to {t}",
    "Drive {m} down from {s} to {t}", "{M} falls to {t}, down from {s}",
)  # fmt: skip
_ABOVE_TITLES = (
    "Keep {m} above {x}", "Hold {m} at or above {x}", "Maintain {m} of at least {x}",
    "Never let {m} drop below {x}", "Sustain {m} above {x}",
)  # fmt: skip
_BELOW_TITLES = (
    "Keep {m} below {x}", "Hold {m} under {x}", "Keep {m} at or below {x}", "Cap {m} at {x}",
    "Never let {m} exceed {x}",
)  # fmt: skip

# Outcome-style titles for boolean and milestone key results; none starts with an activity verb.
_BOOLEAN_TITLES = (
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
_MILESTONE_TITLES = (
    "{Object} ready for {audience} {qual}",
    "{Object} generally available {qual}",
    "{Object} rollout reaches every region",
    "New {object} adopted by {audience}",
    "{Object} upgrade in production {qual}",
)
# Deliberate quality problem: these read as tasks (kr-task-like).
_TASK_TITLES = (
    "Launch {object} {qual}",
    "Launch the new {object} for {audience}",
    "Migrate {object} to the new platform",
    "Migrate {audience} to the new {object}",
)

# About 3% of all key results then read as tasks.
_TASK_LIKE_SHARE = 0.1

_MILESTONES = (
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

_WHY = (
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
_HOW = (
    "We will focus on the few changes with the largest effect.",
    "We start with a pilot and scale what works.",
    "Success means fewer escalations and happier {audience}.",
    "We will measure weekly and adjust course early.",
    "This builds on the groundwork from last quarter.",
    "We will learn from customers together with sales and support.",
    "We keep scope small and ship in increments.",
    "Anything that does not move these results waits until next quarter.",
)

_NEEDS = (
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

_NOTES = (
    "on plan", "blocked on a review", "pilot feedback positive", "holiday freeze slowed us",
    "new pipeline live", "waiting on a provider", "scope trimmed", "hiring gap",
    "great week", "metric definition changed", "an incident ate the sprint", "vendor delay",
    "first results from the experiment", "recovered after last week's dip",
    "data backfilled", "quiet week", "picked up pace", "needs a decision from leadership",
)  # fmt: skip

_OVERRIDE_REASONS = (
    "scope changed mid-quarter", "metric definition changed", "deprioritised by leadership",
    "external dependency slipped", "target set before the reorganisation",
)  # fmt: skip

# What a team concentrates on within its area ("refunds tooling"). A team's focus is mostly
# its own, so topic words are shared by a few teams rather than by a whole domain, and the
# number of overlapping titles grows with the organisation instead of with its square.
_FACETS = (
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
_SEGMENTS = (
    "core", "next-generation", "self-serve", "enterprise", "regional", "global", "internal",
    "customer-facing", "high-volume", "real-time", "partner", "mobile", "premium",
    "new-market", "legacy", "shared", "B2B", "consumer", "cross-border", "small-business",
    "public-sector", "multi-region", "tier-one", "large-account", "early-stage", "wholesale",
    "subscription", "marketplace", "in-store", "education", "healthcare", "nonprofit",
)  # fmt: skip

_CONSONANTS = "bdfgklmnprstvz"
_VOWELS = "aeiou"
_ENDINGS = ("", "n", "r", "s", "x", "l", "ra", "on", "is", "ia", "ly", "da")

_SQUADS = (
    "Core", "Platform", "Experience", "Insights", "Automation", "Quality", "Tooling", "Growth",
    "Enterprise", "Self-Serve", "API", "Web", "iOS", "Android", "Operations", "Foundations",
    "Labs", "Integrations", "Reliability", "Expansion",
)  # fmt: skip

_NAME_SUFFIXES = (
    "EMEA", "Americas", "APAC", "North", "South", "East", "West", "Central", "Global", "Europe",
)  # fmt: skip

_ORG_NAMES = (
    "Northwind", "Bluefjord", "Kestrel Labs", "Larkspur", "Tidewater", "Brightline",
    "Cobalt Ridge", "Helio Works", "Juniper and Co", "Silver Birch", "Quillon", "Meridian Loop",
    "Alder Systems", "Copperleaf", "Harbor Mint", "Lumen Fields",
)  # fmt: skip

_FIRST_NAMES = (
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

_LAST_NAMES = (
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

_FORCED_FORMS = ("up", "down", "above", "below", "boolean", "milestones")


# --- internal records ----------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class _Cycle:
    id: str
    start: date
    end: date
    parent: str | None = None

    def contains(self, other: _Cycle) -> bool:
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: _Cycle) -> bool:
        return self.start <= other.end and other.start <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def record(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id}
        if self.parent is not None:
            out["parent"] = self.parent
        out["start"] = self.start
        out["end"] = self.end
        return out


@dataclass(slots=True, eq=False)
class _Objective:
    id: str
    cycle: _Cycle
    team: _Team  # the owning team, or the team of the owning person
    # Random rank: a dependency's provider_kr always lies in a lower-ranked objective, so the
    # generated dependency graph is acyclic except for the deliberate loops.
    rank: float
    record: dict[str, Any]
    key_results: list[str] = field(default_factory=list)
    rollup_krs: list[str] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class _Team:
    id: str
    name: str
    level: int  # 0 for the company
    parent: _Team | None
    theme: _Theme | None = None
    domain: _Domain | None = None
    area: str | None = None
    # What the team works on, for teams below the departments: "Codename area" for an area
    # team, "Codename area facet" for its sub-teams.
    focus: str | None = None
    children: list[_Team] = field(default_factory=list)
    members: list[str] = field(default_factory=list)  # the lead first
    objectives: list[_Objective] = field(default_factory=list)
    child_options: list[Any] = field(default_factory=list)

    @property
    def lead(self) -> str:
        return self.members[0]

    def record(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name}
        if self.parent is not None:
            out["parent"] = self.parent.id
        out["lead"] = self.lead
        out["members"] = list(self.members)
        return out


@dataclass(frozen=True, slots=True)
class _Topic:
    """What an objective is about: its domain (for metrics) and an object phrase."""

    domain: _Domain | None
    obj: str


# --- public API ----------------------------------------------------------------------------


def generate_organization(*, people: int, seed: int, as_of: date = DEFAULT_AS_OF) -> dict[str, Any]:
    """A synthetic organisation as a plain dict in the shape of the OKR file.

    Cycles are the fiscal year of ``as_of`` and its third and fourth quarters; check-ins run
    from each cycle's start up to ``as_of``. Raises ``ValueError`` below :data:`MIN_PEOPLE`.
    """
    return _Builder(people=people, seed=seed, as_of=as_of).build()


def write_organization(*, people: int, seed: int, path: Path, as_of: date = DEFAULT_AS_OF) -> None:
    """Generate an organisation and write it to ``path`` as YAML (UTF-8)."""
    data = generate_organization(people=people, seed=seed, as_of=as_of)
    with path.open("w", encoding="utf-8", newline="\n") as stream:
        write_yaml(data, stream)


# --- the generator -------------------------------------------------------------------------


class _Builder:
    def __init__(self, *, people: int, seed: int, as_of: date) -> None:
        if people < MIN_PEOPLE:
            raise ValueError(f"people must be at least {MIN_PEOPLE}, got {people}")
        # Reproducible demo data, not security: a seeded PRNG is exactly what is wanted.
        self.rng = random.Random(seed)  # noqa: S311
        self.n_people = people
        self.as_of = as_of
        self.org_name = self.rng.choice(_ORG_NAMES)
        self.org_slug = _slug(self.org_name)
        year = as_of.year
        self.fy = _Cycle(f"FY{year}", date(year, 1, 1), date(year, 12, 31))
        self.q3 = _Cycle(f"{year}-Q3", date(year, 7, 1), date(year, 9, 30), self.fy.id)
        self.q4 = _Cycle(f"{year}-Q4", date(year, 10, 1), date(year, 12, 31), self.fy.id)
        self.people: list[dict[str, Any]] = []
        self.teams: list[_Team] = []
        self.objectives: list[_Objective] = []
        self.dependencies: list[dict[str, Any]] = []
        self._team_names: set[str] = set()
        self._team_number = 0
        self._codenames: set[str] = set()
        self._emails: dict[str, int] = {}
        self._dates: dict[int, date] = {}
        self._form_deck = list(_FORCED_FORMS)
        self._problems: dict[int, str] = {}
        self._team_objective_count = 0
        self._team_titles: list[tuple[_Team, _Cycle, str]] = []
        self._reserved: set[str] = set()  # objectives of the deliberate dependency loops

    def build(self) -> dict[str, Any]:
        self._build_teams()
        self._build_people()
        self._company_objectives()
        self._plan_problems()
        for team in self.teams[1:]:
            self._objectives_of_team(team)
        self._umbrella_objectives()
        self._individual_objectives()
        self._dependencies()
        return {
            "version": 1,
            "organization": self.org_name,
            "people": self.people,
            "teams": [team.record() for team in self.teams],
            "cycles": [self.fy.record(), self.q3.record(), self.q4.record()],
            "objectives": [objective.record for objective in self.objectives],
            "dependencies": self.dependencies,
        }

    # --- small helpers ---------------------------------------------------------------------

    def _day(self, ordinal: int) -> date:
        # Sharing date objects keeps a 100k-person org (over a million check-ins) smaller.
        found = self._dates.get(ordinal)
        if found is None:
            found = self._dates[ordinal] = date.fromordinal(ordinal)
        return found

    def _between(self, first: date, last: date) -> date:
        return self._day(self.rng.randint(first.toordinal(), last.toordinal()))

    def _fill(self, template: str, topic: _Topic) -> str:
        rng = self.rng
        obj = topic.obj
        audience = rng.choice(_AUDIENCES)
        qual = rng.choice(_QUALIFIERS) if rng.random() < 0.6 else ""
        text = template.format(
            object=obj,
            Object=_capitalize(obj),
            adj=rng.choice(_ADJECTIVES),
            audience=audience,
            Audience=_capitalize(audience),
            qual=qual,
            region=rng.choice(_REGIONS),
            benefit=rng.choice(_BENEFITS),
        )
        return " ".join(text.split())

    def _objective_title(self, topic: _Topic, leads: Sequence[str]) -> str:
        tail = self.rng.choices(_TAILS, _TAIL_WEIGHTS)[0]
        return self._fill(f"{self.rng.choice(leads)} {tail}", topic)

    def _topic(self, team: _Team) -> _Topic:
        """What one objective of ``team`` is about: mostly the team's own focus."""
        rng = self.rng
        if team.focus is not None and rng.random() < 0.85:
            if team.level == 3 and rng.random() < 0.6:  # an area team works on several facets
                return _Topic(team.domain, f"{team.focus} {rng.choice(_FACETS)}")
            return _Topic(team.domain, team.focus)
        domain = team.domain
        if domain is None:  # the company or a division: any domain of its theme
            themes = (team.theme,) if team.theme is not None else _THEMES
            domain = rng.choice(rng.choice(themes).domains)
        area = rng.choice(domain.areas)
        if rng.random() < 0.3:
            return _Topic(domain, area)
        return _Topic(domain, f"{rng.choice(_SEGMENTS)} {area} {rng.choice(_FACETS)}")

    def _description(self, topic: _Topic) -> str:
        why = self._fill(self.rng.choice(_WHY), topic)
        return f"{why} {self._fill(self.rng.choice(_HOW), topic)}"

    # --- the team tree ---------------------------------------------------------------------

    def _build_teams(self) -> None:
        rng = self.rng
        n_teams = max(3, round(self.n_people / 7.5))
        sizes = _level_sizes(n_teams)
        root = _Team(id=f"t-{self.org_slug}", name=self.org_name, level=0, parent=None)
        self._team_names.add(root.name)
        self.teams.append(root)
        level = [root]
        for depth, count in enumerate(sizes[1:], start=1):
            # The top two levels cover every parent, so every leaf sits at depth 3 or more.
            parents = _spread(rng, len(level), count, cover=1.0 if depth <= 2 else 0.85)
            next_level = [self._child_team(level[index], depth) for index in parents]
            self.teams.extend(next_level)
            level = next_level

    def _child_team(self, parent: _Team, depth: int) -> _Team:
        """Divisions take a theme, departments a domain, teams an area, sub-teams a squad."""
        rng = self.rng
        if not parent.child_options:
            options: list[Any]
            if depth == 1:
                options = list(_THEMES)
            elif depth == 2:
                assert parent.theme is not None
                options = list(parent.theme.domains)
            elif depth == 3:
                assert parent.domain is not None
                options = list(parent.domain.areas)
            else:
                options = list(_SQUADS)
            rng.shuffle(options)
            parent.child_options = options
        # Cycle through the shuffled options so siblings differ before any repeats.
        pick = parent.child_options.pop(0)
        parent.child_options.append(pick)
        self._team_number += 1
        if depth == 1:
            theme: _Theme = pick
            team = _Team(f"t-{theme.slug}-{self._team_number}", theme.name, depth, parent, theme)
        elif depth == 2:
            domain: _Domain = pick
            team = _Team(
                f"t-{domain.slug}-{self._team_number}",
                domain.name,
                depth,
                parent,
                parent.theme,
                domain,
            )
        else:
            assert parent.domain is not None
            area = pick if depth == 3 else parent.area
            assert area is not None
            # Each team names its product or initiative; a sub-team narrows the area to a facet.
            if depth == 3:
                name = _area_team_name(parent.domain.name, area)
                focus = f"{self._codename()} {area}"
            else:
                name = f"{parent.name} {pick}"
                focus = f"{self._codename()} {area} {rng.choice(_FACETS)}"
            team = _Team(
                f"t-{parent.domain.slug}-{self._team_number}",
                name,
                depth,
                parent,
                parent.theme,
                parent.domain,
                area,
                focus=focus,
            )
        team.name = self._unique_name(team.name)
        parent.children.append(team)
        return team

    def _codename(self) -> str:
        """A made-up product name ("Talovi"), unique in the organisation.

        Real teams name their products; the name is a rare word shared only by the team's
        own titles, which keeps titles of different teams apart for the overlap detector.
        """
        rng = self.rng
        while True:
            word = "".join(
                (
                    rng.choice(_CONSONANTS).upper(),
                    rng.choice(_VOWELS),
                    rng.choice(_CONSONANTS),
                    rng.choice(_VOWELS),
                    rng.choice(_ENDINGS),
                )
            )
            if word not in self._codenames:
                self._codenames.add(word)
                return word

    def _unique_name(self, base: str) -> str:
        candidates = [base, *(f"{base} {suffix}" for suffix in _NAME_SUFFIXES)]
        for name in candidates:
            if name not in self._team_names:
                self._team_names.add(name)
                return name
        number = 2
        while f"{base} {number}" in self._team_names:
            number += 1
        self._team_names.add(f"{base} {number}")
        return f"{base} {number}"

    # --- people ----------------------------------------------------------------------------

    def _build_people(self) -> None:
        sizes = _team_sizes(self.rng, len(self.teams), self.n_people)
        width = max(5, len(str(self.n_people)))
        domain = f"{self.org_slug.replace('-', '')}.test"
        number = 0
        for team, size in zip(self.teams, sizes, strict=True):
            # Leads report to the parent team's lead, everyone else to their own lead.
            boss = team.parent.lead if team.parent is not None else None
            for _ in range(size):
                number += 1
                person_id = f"p{number:0{width}d}"
                person = self._person(person_id, domain, boss)
                self.people.append(person)
                team.members.append(person_id)
                boss = team.lead

    def _person(self, person_id: str, domain: str, manager: str | None) -> dict[str, Any]:
        first = self.rng.choice(_FIRST_NAMES)
        last = self.rng.choice(_LAST_NAMES)
        local = re.sub(r"[^a-z.]", "", _ascii(f"{first}.{last}").lower())
        seen = self._emails.get(local, 0)
        self._emails[local] = seen + 1
        email = f"{local}{seen + 1 if seen else ''}@{domain}"
        person: dict[str, Any] = {"id": person_id, "name": f"{first} {last}", "email": email}
        if manager is not None:
            person["manager"] = manager
        return person

    # --- objectives ------------------------------------------------------------------------

    def _new_objective(
        self,
        *,
        title: str,
        cycle: _Cycle,
        owner: str,
        team: _Team,
        aligns_to: str | None,
        description: str | None = None,
        kind: str | None = None,
        visibility: str | None = None,
        umbrella: dict[str, Any] | None = None,
    ) -> _Objective:
        objective_id = f"O-{len(self.objectives) + 1}"
        record: dict[str, Any] = {"id": objective_id, "title": title}
        if description:
            record["description"] = description
        record["cycle"] = cycle.id
        record["owner"] = owner
        if kind:
            record["kind"] = kind
        if visibility:
            record["visibility"] = visibility
        if aligns_to:
            record["aligns_to"] = aligns_to
        if umbrella:
            record["umbrella"] = umbrella
        record["key_results"] = []
        objective = _Objective(objective_id, cycle, team, self.rng.random(), record)
        self.objectives.append(objective)
        if owner == team.id:
            team.objectives.append(objective)
        return objective

    def _kind(self) -> str | None:
        roll = self.rng.random()
        return "committed" if roll < 0.3 else "aspirational" if roll < 0.38 else None

    def _visibility(self, individual: bool) -> str | None:
        # None leaves the default (public) implicit, as most people would write it.
        choices = (None, "public", "team", "private")
        weights = (55, 0, 25, 20) if individual else (88, 3, 7, 2)
        return self.rng.choices(choices, weights)[0]

    def _company_objectives(self) -> None:
        rng = self.rng
        root = self.teams[0]
        count = 3 if len(self.teams) < 20 else rng.randint(4, 5)
        templates = rng.sample(_COMPANY_OBJECTIVES, count)
        for number, template in enumerate(templates):
            topic = self._topic(root)
            objective = self._new_objective(
                title=self._fill(template, topic),
                cycle=self.fy,
                owner=root.id,
                team=root,
                aligns_to=None,
                description=self._description(topic) if rng.random() < 0.6 else None,
                kind="committed" if rng.random() < 0.4 else None,
            )
            for index in range(rng.randint(3, 4)):
                # The first company objectives always get a roll-up key result.
                rollup = (index == 0 and number < 2) or rng.random() < 0.12
                self._key_result(
                    objective,
                    topic,
                    form="rollup" if rollup else None,
                    owner=rng.choice(root.members),
                    metrics=_COMPANY_METRICS,
                )

    def _plan_problems(self) -> None:
        """Choose which team objectives carry the deliberate quality problems.

        Indices are drawn below 2 per non-root team, the guaranteed minimum number of team
        objectives, so each chosen problem really happens.
        """
        available = 2 * (len(self.teams) - 1)
        expected = available * 1.2
        wanted = [
            ("unaligned", max(1, round(expected * 0.03))),
            ("many-krs", max(1, round(expected / 300))),
            ("duplicate", max(1, round(expected / 400))),
            ("missing", max(1, round(expected / 1000))),
            ("no-krs", max(1, round(expected / 3000))),
            ("mention", max(1, round(expected / 150))),
        ]
        total = min(available, sum(count for _, count in wanted))
        chosen = self.rng.sample(range(available), total)
        for problem, count in wanted:
            for index in chosen[:count]:
                self._problems[index] = problem
            chosen = chosen[count:]

    def _objectives_of_team(self, team: _Team) -> None:
        rng = self.rng
        count = 2 if rng.random() < 0.55 else 3
        for number in range(count):
            # Every team works on the current quarter; later objectives may be from Q3 (and a
            # division's sometimes span the year).
            if number == 0:
                cycle = self.q4
            elif team.level == 1 and rng.random() < 0.15:
                cycle = self.fy
            else:
                cycle = self.q4 if rng.random() < 0.6 else self.q3
            self._team_objective(team, cycle)

    def _team_objective(self, team: _Team, cycle: _Cycle) -> None:
        rng = self.rng
        problem = self._problems.get(self._team_objective_count, "")
        self._team_objective_count += 1
        topic = self._topic(team)
        title = self._objective_title(topic, _TEAM_LEADS)
        if problem == "duplicate":
            title = self._duplicate_title(team, cycle) or title
        self._team_titles.append((team, cycle, title))
        if problem == "unaligned" or (not problem and rng.random() < 0.01):
            aligns_to = None
        elif problem == "missing":
            aligns_to = self._missing_reference(team.parent, cycle)
        else:
            aligns_to = self._alignment(team.parent, cycle)
        description = self._description(topic) if rng.random() < 0.4 else None
        if problem == "mention":
            other = rng.choice(self.teams[1:])
            if other is not team:
                # No dependency is declared for this: a dependency-undeclared finding.
                help_with = rng.choice(other.domain.areas) if other.domain else "the rollout"
                mention = f"We need help from the {other.name} team on {help_with}."
                description = f"{description} {mention}" if description else mention
        objective = self._new_objective(
            title=title,
            cycle=cycle,
            owner=team.id,
            team=team,
            aligns_to=aligns_to,
            description=description,
            kind=self._kind(),
            visibility=self._visibility(individual=False),
        )
        if problem == "no-krs":
            return
        count = rng.randint(6, 7) if problem == "many-krs" else rng.choices((2, 3, 4), (3, 5, 2))[0]
        for _ in range(count):
            owner = None if rng.random() < 0.01 else self._kr_owner(team)
            self._key_result(
                objective,
                self._topic(team) if rng.random() < 0.4 else topic,
                owner=owner,
                contributors=self._contributors(team, owner),
            )

    def _kr_owner(self, team: _Team) -> str:
        return team.lead if self.rng.random() < 0.3 else self.rng.choice(team.members)

    def _contributors(self, team: _Team, owner: str | None) -> list[str]:
        rng = self.rng
        if rng.random() >= 0.15:
            return []
        pool = [member for member in team.members if member != owner]
        chosen = rng.sample(pool, min(len(pool), rng.randint(1, 2)))
        if team.parent is not None and rng.random() < 0.3:
            siblings = [other.id for other in team.parent.children if other is not team]
            if siblings:
                chosen.append(rng.choice(siblings))
        return chosen

    def _duplicate_title(self, team: _Team, cycle: _Cycle) -> str | None:
        """An earlier title from an unrelated team in the same cycle: a possible overlap."""
        if not self._team_titles:
            return None
        for _ in range(30):
            other, other_cycle, title = self.rng.choice(self._team_titles)
            if other is not team and other is not team.parent and other_cycle is cycle:
                return title
        return None

    def _candidates(self, start: _Team | None, cycle: _Cycle) -> list[_Objective]:
        """The nearest ancestor's objectives whose cycle contains ``cycle``."""
        team = start
        while team is not None:
            found = [objective for objective in team.objectives if objective.cycle.contains(cycle)]
            if found:
                return found
            team = team.parent
        return []

    def _alignment(self, start: _Team | None, cycle: _Cycle) -> str | None:
        rng = self.rng
        candidates = self._candidates(start, cycle)
        if not candidates:
            return None
        objective = rng.choice(candidates)
        if objective.rollup_krs and rng.random() < 0.5:
            return rng.choice(objective.rollup_krs)
        if objective.key_results and rng.random() < 0.8:
            return rng.choice(objective.key_results)
        return objective.id

    def _missing_reference(self, start: _Team | None, cycle: _Cycle) -> str:
        """A key result id that was never created (as if it had been deleted)."""
        candidates = self._candidates(start, cycle)
        if not candidates:
            return f"O-0.{self.rng.randint(1, 9)}"
        objective = self.rng.choice(candidates)
        return f"{objective.id}.{len(objective.key_results) + self.rng.randint(3, 6)}"

    def _umbrella_objectives(self) -> None:
        rng = self.rng
        parents = [team for team in self.teams[1:] if len(team.children) >= 2]
        if not parents and len(self.teams[0].children) >= 2:
            parents = [self.teams[0]]
        count = min(len(parents), max(1, len(self.teams) // 100))
        for parent in rng.sample(parents, count):
            siblings = rng.sample(parent.children, min(len(parent.children), rng.randint(2, 3)))
            self._umbrella_objective(parent, siblings)

    def _umbrella_objective(self, parent: _Team, siblings: list[_Team]) -> None:
        rng = self.rng
        topic = self._topic(parent)
        accountable = parent.lead if rng.random() < 0.7 else rng.choice(siblings).lead
        names = [team.name for team in siblings]
        objective = self._new_objective(
            title=self._objective_title(topic, _TEAM_LEADS),
            cycle=self.q4,
            owner=siblings[0].id,
            team=siblings[0],
            aligns_to=self._alignment(parent, self.q4),
            description=f"A shared goal of {_join(names)}, with one accountable owner.",
            kind="committed" if rng.random() < 0.5 else None,
            umbrella={"owner": accountable, "teams": [team.id for team in siblings]},
        )
        for index in range(rng.randint(3, 4)):
            home = siblings[index % len(siblings)]
            others = [team for team in siblings if team is not home]
            # Contributors are both teams and individual people from the other teams.
            contributors = [team.id for team in others if rng.random() < 0.7] or [others[0].id]
            contributors.append(rng.choice(rng.choice(others).members))
            self._key_result(
                objective,
                topic,
                form=rng.choice(("up", "down", "above", "below", "milestones")),
                owner=self._kr_owner(home),
                contributors=contributors,
            )

    def _individual_objectives(self) -> None:
        rng = self.rng
        for team in self.teams[1:]:
            targets = [objective for objective in team.objectives if objective.key_results]
            if not targets:
                continue
            weights = [4.0 if objective.cycle is self.q4 else 1.0 for objective in targets]
            for member in team.members:
                if rng.random() >= (0.05 if member == team.lead else 0.12):
                    continue
                target = rng.choices(targets, weights)[0]
                self._individual_objective(team, member, target)

    def _individual_objective(self, team: _Team, person: str, target: _Objective) -> None:
        rng = self.rng
        topic = self._topic(team)
        leads = _INDIVIDUAL_LEADS if rng.random() < 0.6 else _TEAM_LEADS
        aligns_to = rng.choice(target.key_results) if rng.random() < 0.9 else target.id
        objective = self._new_objective(
            title=self._objective_title(topic, leads),
            cycle=target.cycle,
            owner=person,
            team=team,
            aligns_to=aligns_to,
            description=self._description(topic) if rng.random() < 0.25 else None,
            kind="committed" if rng.random() < 0.2 else None,
            visibility=self._visibility(individual=True),
        )
        for _ in range(rng.choices((2, 3), (6, 4))[0]):
            # The owner defaults to the person who owns the objective.
            self._key_result(objective, topic, owner=None, contributors=[])

    # --- key results -----------------------------------------------------------------------

    def _next_form(self) -> str:
        if self._form_deck:  # the first key results cover every metric form
            return self._form_deck.pop(0)
        rng = self.rng
        return rng.choices(("numeric", "keep", "boolean", "milestones"), (55, 13, 14, 18))[0]

    def _key_result(
        self,
        objective: _Objective,
        topic: _Topic,
        *,
        owner: str | None,
        form: str | None = None,
        contributors: Sequence[str] = (),
        metrics: Sequence[_MetricSpec] | None = None,
    ) -> None:
        rng = self.rng
        kr_id = f"{objective.id}.{len(objective.key_results) + 1}"
        form = form or self._next_form()
        cycle = objective.cycle
        perf = min(1.3, max(0.05, rng.gauss(0.8, 0.3)))
        if metrics is None:
            domain_metrics = topic.domain.metrics if topic.domain else ()
            metrics = domain_metrics if domain_metrics and rng.random() < 0.8 else _GENERIC_METRICS
        metric: Any
        value: Callable[[float], float | bool] | None = None
        if form in ("numeric", "up", "down"):
            title, metric, value = self._numeric(metrics, form, perf)
        elif form in ("keep", "above", "below"):
            title, metric, value = self._threshold(metrics, form, perf)
        elif form == "boolean":
            title, metric = self._boolean_title(topic), "boolean"
            value = _switch(rng.uniform(0.25, 0.9) / max(perf, 0.1))
        elif form == "milestones":
            title = self._milestones_title(topic)
            metric = {"milestones": self._milestones(cycle, perf)}
        else:
            title, metric = rng.choice(_ROLLUP_TITLES), "rollup"
        record: dict[str, Any] = {"id": kr_id, "title": title}
        if owner is not None:
            record["owner"] = owner
        if contributors:
            record["contributors"] = list(contributors)
        roll = rng.random()
        if roll < 0.08:
            record["weight"] = 2
        elif roll < 0.1:
            record["weight"] = 0.5
        record["metric"] = metric
        checkins = self._checkins(cycle, value, perf)
        if checkins:
            record["checkins"] = checkins
        if cycle.end < self.as_of and rng.random() < 0.03:
            record["score_override"] = {
                "score": round(rng.uniform(0.2, 1.0), 1),
                "reason": rng.choice(_OVERRIDE_REASONS),
            }
        objective.record["key_results"].append(record)
        objective.key_results.append(kr_id)
        if form == "rollup":
            objective.rollup_krs.append(kr_id)

    def _pick_metric(self, metrics: Sequence[_MetricSpec], up: bool | None) -> _MetricSpec:
        pool = [spec for spec in metrics if up is None or spec.up == up]
        if not pool:
            pool = [spec for spec in _GENERIC_METRICS if spec.up == up]
        return self.rng.choice(pool)

    def _numeric(
        self, metrics: Sequence[_MetricSpec], form: str, perf: float
    ) -> tuple[str, dict[str, Any], Callable[[float], float]]:
        rng = self.rng
        spec = self._pick_metric(metrics, None if form == "numeric" else form == "up")
        up = spec.up
        if form == "numeric" and spec.two_sided and rng.random() < 0.05:
            up = not up  # pulls against the usual direction: a natural conflict
        span = spec.high - spec.low
        if up:
            start = spec.low + span * rng.uniform(0.05, 0.6)
            target = start + span * rng.uniform(0.15, 0.4)
        else:
            start = spec.high - span * rng.uniform(0.05, 0.6)
            target = start - span * rng.uniform(0.15, 0.4)
        decimals = spec.decimals
        start_value, target_value = _round(start, decimals), _round(target, decimals)
        if start_value == target_value:  # never generate an unmeasurable key result
            step = 10.0**-decimals
            target_value = _round(target_value + (step if up else -step), decimals)
        templates = _UP_TITLES if up else _DOWN_TITLES
        title = rng.choice(templates).format(
            m=spec.phrase,
            M=_capitalize(spec.phrase),
            s=_display(start_value, spec.unit),
            t=_display(target_value, spec.unit),
        )
        title = self._with_qualifier(title)
        metric: dict[str, Any] = {"start": start_value, "target": target_value}
        if spec.unit:
            metric["unit"] = spec.unit
        low, high = spec.low, spec.high
        rng_gauss = rng.gauss

        def value(elapsed: float) -> float:
            progress = min(1.1, max(-0.05, perf * elapsed + rng_gauss(0.0, 0.04)))
            current = start_value + (target_value - start_value) * progress
            return _round(min(high, max(low, current)), decimals)

        return title, metric, value

    def _threshold(
        self, metrics: Sequence[_MetricSpec], form: str, perf: float
    ) -> tuple[str, dict[str, Any], Callable[[float], float]]:
        rng = self.rng
        spec = self._pick_metric(metrics, None if form == "keep" else form == "above")
        span = spec.high - spec.low
        above = spec.up
        fraction = rng.uniform(0.5, 0.95) if above else rng.uniform(0.05, 0.5)
        decimals = spec.decimals
        threshold = _round(spec.low + span * fraction, decimals)
        title = rng.choice(_ABOVE_TITLES if above else _BELOW_TITLES).format(
            m=spec.phrase, x=_display(threshold, spec.unit)
        )
        title = self._with_qualifier(title)
        metric: dict[str, Any] = {("keep_above" if above else "keep_below"): threshold}
        if spec.unit:
            metric["unit"] = spec.unit
        # Healthy key results hover on the right side of the threshold, others drift across it.
        margin = (0.03 if perf > 0.55 else -0.02) * (1 if above else -1)
        low, high = spec.low, spec.high
        rng_gauss = rng.gauss

        def value(_elapsed: float) -> float:
            current = threshold + span * rng_gauss(margin, 0.03)
            return _round(min(high, max(low, current)), decimals)

        return title, metric, value

    def _with_qualifier(self, title: str) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.2:
            return f"{title} {rng.choice(_QUALIFIERS)}"
        if roll < 0.35:
            return f"{title} for {rng.choice(_AUDIENCES)}"
        return title

    def _boolean_title(self, topic: _Topic) -> str:
        templates = _TASK_TITLES if self.rng.random() < _TASK_LIKE_SHARE else _BOOLEAN_TITLES
        return self._fill(self.rng.choice(templates), topic)

    def _milestones_title(self, topic: _Topic) -> str:
        templates = _TASK_TITLES if self.rng.random() < _TASK_LIKE_SHARE else _MILESTONE_TITLES
        return self._fill(self.rng.choice(templates), topic)

    def _milestones(self, cycle: _Cycle, perf: float) -> list[dict[str, Any]]:
        rng = self.rng
        count = rng.randint(3, 5)
        limit = min(self.as_of, cycle.end).toordinal()
        start = cycle.start.toordinal()
        milestones: list[dict[str, Any]] = []
        for index, title in enumerate(rng.sample(_MILESTONES, count)):
            milestone: dict[str, Any] = {"title": title}
            if rng.random() < 0.4:
                milestone["weight"] = rng.choice((2, 3))
            # Planned evenly over the cycle; weaker key results finish theirs later.
            planned = (index + 1) / (count + 0.5)
            actual = planned / max(perf, 0.2) * rng.uniform(0.9, 1.15)
            done = start + round(actual * cycle.days)
            if done <= limit:
                milestone["done_on"] = self._day(done)
            milestones.append(milestone)
        return milestones

    def _checkins(
        self, cycle: _Cycle, value: Callable[[float], float | bool] | None, perf: float
    ) -> list[dict[str, Any]]:
        rng = self.rng
        last = min(self.as_of, cycle.end).toordinal()
        start = cycle.start.toordinal()
        if last < start or rng.random() < 0.02:  # not started, or never checked in
            return []
        if cycle.end >= self.as_of and rng.random() < 0.1:
            last -= rng.randint(15, 45)  # stale: the owner stopped checking in
        steps = (7,) if rng.random() < 0.7 else (3, 4)  # weekly, or twice a week
        total = cycle.days
        # Confidence starts near 6 and drifts towards where the key result will really end.
        final = 2 + 7.5 * min(perf, 1.0)
        day = start + rng.randint(0, 6)
        out: list[dict[str, Any]] = []
        step = 0
        while day <= last:
            if rng.random() >= 0.05:  # now and then a week is skipped
                elapsed = (day - start) / total
                checkin: dict[str, Any] = {"date": self._day(day)}
                only_confidence = value is None or rng.random() < 0.03
                if not only_confidence:
                    assert value is not None
                    checkin["value"] = value(elapsed)
                if only_confidence or rng.random() >= 0.03:
                    expected = 6 + (final - 6) * min(1.0, 2 * elapsed)
                    checkin["confidence"] = min(10, max(0, round(rng.gauss(expected, 0.9))))
                if rng.random() < 0.08:
                    checkin["note"] = rng.choice(_NOTES)
                out.append(checkin)
            day += steps[step % len(steps)]
            step += 1
        return out

    # --- dependencies ----------------------------------------------------------------------

    def _dependencies(self) -> None:
        rng = self.rng
        team_objectives = [
            objective
            for team in self.teams[1:]
            for objective in team.objectives
            if objective.key_results
        ]
        loops = self._dependency_loops(team_objectives)
        sources = [o for o in team_objectives if o.id not in self._reserved]
        if not sources:
            self.dependencies = loops
            return
        count = max(len(_FORCED_STATES), round(self.n_people / 10)) - len(loops)
        found: list[dict[str, Any]] = []
        for index in range(count):
            forced = _FORCED_STATES[index] if index < len(_FORCED_STATES) else None
            dependency = self._dependency(sources, forced)
            if dependency is not None:
                found.append(dependency)
        for dependency in loops:
            found.insert(rng.randint(0, len(found)), dependency)
        for number, dependency in enumerate(found, start=1):
            dependency["id"] = f"D-{number}"  # the key was created first, so it stays first
        self.dependencies = found

    def _dependency_loops(self, candidates: list[_Objective]) -> list[dict[str, Any]]:
        """Pairs of accepted dependencies that deliver each other's key results: a loop."""
        rng = self.rng
        current = [objective for objective in candidates if objective.cycle is self.q4]
        loops: list[dict[str, Any]] = []
        if self.n_people < 50 or len(current) < 2:
            return loops
        for _ in range(1 + self.n_people // 50_000):
            first, second = rng.sample(current, 2)
            if first.team is second.team or {first.id, second.id} & self._reserved:
                continue
            self._reserved.update((first.id, second.id))
            a, b = rng.choice(first.key_results), rng.choice(second.key_results)
            for source, provider, provider_kr in ((a, second, b), (b, first, a)):
                loops.append(
                    {
                        "id": "",
                        "from": source,
                        "provider": provider.team.id,
                        "need": self._need(provider.team),
                        "due": self._between(self.as_of, self.q4.end),
                        "state": "accepted",
                        "provider_kr": provider_kr,
                    }
                )
        return loops

    def _dependency(self, sources: list[_Objective], forced: str | None) -> dict[str, Any] | None:
        rng = self.rng
        for _ in range(20):  # a forced "accepted with provider_kr" may need a few tries
            source = rng.choice(sources)
            provider = self._provider_team(source.team)
            if provider is None:
                continue
            state, with_kr = self._dependency_state(source.cycle, forced)
            provider_kr = self._provider_kr(source, provider) if with_kr else None
            if forced == "accepted-kr" and provider_kr is None:
                continue
            dependency: dict[str, Any] = {
                "id": "",
                "from": rng.choice(source.key_results) if rng.random() < 0.85 else source.id,
                "provider": provider.id,
                "need": self._need(provider),
            }
            due = self._due(source.cycle, state)
            if due is not None:
                dependency["due"] = due
            dependency["state"] = state
            if provider_kr is not None:
                dependency["provider_kr"] = provider_kr
            return dependency
        return None

    def _dependency_state(self, cycle: _Cycle, forced: str | None) -> tuple[str, bool]:
        rng = self.rng
        if forced is not None:
            return forced.removesuffix("-kr").removesuffix("-plain"), forced == "accepted-kr"
        states = ("requested", "accepted", "declined", "delivered", "cancelled")
        # Dependencies of a finished quarter were mostly settled one way or another.
        weights = (5, 13, 12, 55, 15) if cycle.end < self.as_of else (20, 45, 8, 17, 10)
        state = rng.choices(states, weights)[0]
        with_kr = (state == "accepted" and rng.random() < 0.65) or (
            state == "delivered" and rng.random() < 0.4
        )
        return state, with_kr

    def _provider_team(self, team: _Team) -> _Team | None:
        rng = self.rng
        roll = rng.random()
        pool: list[_Team] = []
        if team.parent is not None and roll < 0.5:
            pool = [other for other in team.parent.children if other is not team]
        elif team.parent is not None and team.parent.parent is not None and roll < 0.75:
            pool = [
                cousin
                for uncle in team.parent.parent.children
                for cousin in uncle.children
                if cousin is not team
            ]
        if not pool:
            pool = self.teams[1:]
        for _ in range(5):
            other = rng.choice(pool)
            if other is not team:
                return other
        return None

    def _provider_kr(self, source: _Objective, provider: _Team) -> str | None:
        # Only lower-ranked objectives may deliver, which keeps the graph free of loops.
        options = [
            objective
            for objective in provider.objectives
            if objective.key_results
            and objective.rank < source.rank
            and objective.id not in self._reserved
            and objective.cycle.overlaps(source.cycle)
        ]
        if not options:
            return None
        return self.rng.choice(self.rng.choice(options).key_results)

    def _due(self, cycle: _Cycle, state: str) -> date | None:
        rng = self.rng
        if rng.random() < 0.25:
            return None
        first = cycle.start + timedelta(days=14)
        open_ = state in ("requested", "accepted")
        future_first = max(first, self.as_of + timedelta(days=1))
        # Open requests are mostly due in the future; a few are overdue (a lint error).
        if open_ and future_first <= cycle.end and rng.random() < 0.88:
            return self._between(future_first, cycle.end)
        return self._between(first, cycle.end)

    def _need(self, provider: _Team) -> str:
        topic = self._topic(provider)
        return self._fill(self.rng.choice(_NEEDS), topic)


_FORCED_STATES = (
    "requested",
    "accepted-kr",
    "accepted-plain",
    "declined",
    "delivered",
    "cancelled",
)


# --- shape helpers ---------------------------------------------------------------------------


def _level_sizes(n_teams: int) -> list[int]:
    """Teams per level: a geometric tree of 3 levels (small orgs) up to 5 (large ones)."""
    depth = 3 if n_teams <= 12 else 4 if n_teams <= 120 else 5
    low, high = 1.0, float(n_teams)
    for _ in range(60):  # the growth ratio g with 1 + g + ... + g^(depth-1) == n_teams
        middle = (low + high) / 2
        if sum(middle**k for k in range(depth)) < n_teams:
            low = middle
        else:
            high = middle
    sizes = [1]
    for k in range(1, depth - 1):
        sizes.append(max(sizes[-1], round(low**k)))
    sizes.append(n_teams - sum(sizes))
    # The last level must still give every division at least one child.
    while sizes[-1] < sizes[-2]:
        sizes[-2] -= 1
        sizes[-1] += 1
    return sizes


def _spread(rng: random.Random, parents: int, children: int, *, cover: float) -> list[int]:
    """A parent index for each child, sorted (siblings stay together, in tree order).

    ``cover`` is the share of parents guaranteed a child; the rest go to random parents with
    uneven weights so the tree is ragged like a real one.
    """
    guaranteed = list(range(parents))
    if cover < 1.0:
        guaranteed = rng.sample(guaranteed, math.floor(parents * cover))
    guaranteed = guaranteed[:children]
    weights = [rng.uniform(0.4, 1.6) for _ in range(parents)]
    rest = rng.choices(range(parents), weights, k=children - len(guaranteed))
    return sorted(guaranteed + rest)


def _team_sizes(rng: random.Random, teams: int, people: int) -> list[int]:
    """Sizes of 5 to 10 that add up to exactly ``people`` (looser only for tiny orgs)."""
    sizes = [rng.randint(5, 10) for _ in range(teams)]
    low, high = min(5, people // teams), max(10, -(-people // teams))
    difference = people - sum(sizes)
    while difference:
        index = rng.randrange(teams)
        if difference > 0 and sizes[index] < high:
            sizes[index] += 1
            difference -= 1
        elif difference < 0 and sizes[index] > low:
            sizes[index] -= 1
            difference += 1
    return sizes


def _join(names: Sequence[str]) -> str:
    return f"{', '.join(names[:-1])} and {names[-1]}" if len(names) > 1 else names[0]


def _switch(moment: float) -> Callable[[float], bool]:
    """A boolean key result that becomes true once the elapsed fraction reaches ``moment``."""

    def value(elapsed: float) -> bool:
        return elapsed >= moment

    return value


def _area_team_name(domain: str, area: str) -> str:
    title = " ".join(
        word if word in ("and", "of", "for", "to", "the") else _capitalize(word)
        for word in area.split()
    )
    if title.lower().startswith(domain.lower()):
        return title
    return f"{domain} {title}"


def _capitalize(text: str) -> str:
    # Keep words like "iOS" and "p95" as they are written.
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].upper() + text[1:]


def _round(value: float, decimals: int) -> float:
    if decimals == 0:
        return round(value)
    return round(value, decimals)


def _display(value: float, unit: str) -> str:
    number = f"{value:,}" if isinstance(value, int) and abs(value) >= 10_000 else f"{value}"
    if unit in ("%", "x"):
        return f"{number}{unit}"
    if unit in ("", "NPS", "points", "score"):
        return number
    if unit == "USD":
        return f"${number}"
    if unit in ("k USD", "M USD"):
        return f"${number}{unit[0]}"
    return f"{number} {unit}"
