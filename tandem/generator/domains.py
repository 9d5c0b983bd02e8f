"""The vocabulary of business domains: themes, their domains, areas and metrics.

Titles must stay varied at 100k people (the overlap detector compares them with TF-IDF), so
every team draws from its own domain's areas and metrics, combined with shared adjectives,
audiences and qualifiers.
"""

from __future__ import annotations

from tandem.generator.records import Domain, MetricSpec, Theme
from tandem.generator.text import slugify


def parse_metrics(spec: str) -> tuple[MetricSpec, ...]:
    """``"phrase|unit|up|low|high[|both]; ..."`` into metric specs (compact to keep the table
    readable)."""
    metrics = []
    for item in spec.split(";"):
        parts = [part.strip() for part in item.split("|")]
        phrase, unit, direction, low, high = parts[:5]
        metrics.append(
            MetricSpec(
                phrase=phrase,
                unit=unit,
                up=direction == "up",
                low=float(low),
                high=float(high),
                two_sided=parts[5:] == ["both"],
            )
        )
    return tuple(metrics)


def make_domain(name: str, areas: str, metrics: str) -> Domain:
    return Domain(
        name=name,
        slug=slugify(name),
        areas=tuple(area.strip() for area in areas.split(";")),
        metrics=parse_metrics(metrics),
    )


def sales_domain(region: str) -> Domain:
    return make_domain(
        f"Sales {region}",
        "new logos; enterprise accounts; mid-market deals; renewals; pipeline hygiene;"
        " sales enablement; channel deals; expansion deals",
        f"new ARR in {region}|M USD|up|1|80; win rate on qualified deals|%|up|10|45;"
        " sales cycle length|days|down|20|180; pipeline coverage|x|up|1.5|5;"
        " reps at or above quota|%|up|30|90; discount on closed deals|%|down|5|35",
    )


THEMES: tuple[Theme, ...] = tuple(
    Theme(name, slugify(name), domains)
    for name, domains in (
        (
            "Product",
            (
                make_domain(
                    "Search",
                    "search ranking; query understanding; autocomplete; search indexing;"
                    " zero-result queries; voice search; search filters; spelling correction",
                    "search click-through rate|%|up|20|60; p95 search latency|ms|down|80|1200;"
                    " zero-result rate|%|down|1|15; searches ending in a purchase|%|up|5|30;"
                    " index freshness lag|min|down|1|240; mean reciprocal rank|score|up|0.2|0.9",
                ),
                make_domain(
                    "Discovery",
                    "home feed; recommendation carousels; category pages; curated collections;"
                    " trending lists; editorial picks; related items",
                    "feed engagement rate|%|up|10|45; items discovered per session|items|up|2|12;"
                    " bounce rate on category pages|%|down|20|70;"
                    " daily active browsers|users|up|50000|900000",
                ),
                make_domain(
                    "Onboarding",
                    "sign-up flow; first-run experience; account setup; email verification;"
                    " guided tours; sample projects; welcome emails",
                    "sign-up completion rate|%|up|30|90; time to first value|min|down|3|120;"
                    " day-7 retention of new users|%|up|15|60; activation rate|%|up|20|75;"
                    " drop-off in account setup|%|down|5|50",
                ),
                make_domain(
                    "Growth",
                    "referral program; viral loops; pricing page; trial conversion;"
                    " lifecycle emails; win-back campaigns; landing pages",
                    "trial-to-paid conversion|%|up|3|25;"
                    " weekly active users|users|up|20000|2000000;"
                    " referral sign-ups per week|sign-ups|up|100|5000;"
                    " paid acquisition cost|USD|down|20|400;"
                    " churned users won back|users|up|50|3000",
                ),
                make_domain(
                    "Notifications",
                    "push notifications; email digests; in-app messages; notification preferences;"
                    " SMS alerts; delivery pipeline",
                    "notification opt-out rate|%|down|1|20; push open rate|%|up|2|25;"
                    " delivery latency|s|down|1|300;"
                    " spam complaints per million emails|complaints|down|5|300",
                ),
                make_domain(
                    "Mobile",
                    "iOS app; Android app; offline mode; app start-up; mobile release train;"
                    " app store presence; tablet layouts",
                    "crash-free sessions|%|up|97|99.95; app store rating|stars|up|3.2|4.8;"
                    " cold start time|ms|down|400|4000;"
                    " mobile weekly active users|users|up|50000|3000000; app size|MB|down|30|250",
                ),
                make_domain(
                    "Web",
                    "web app shell; page performance; UI component library; browser support;"
                    " web accessibility; marketing site; SEO",
                    "largest contentful paint|ms|down|900|5000;"
                    " organic search visits|visits|up|50000|3000000;"
                    " UI component library adoption|%|up|20|95;"
                    " open accessibility issues|issues|down|5|400; web conversion rate|%|up|1|8",
                ),
                make_domain(
                    "Personalization",
                    "user profiles; personalized ranking; content affinities;"
                    " cold-start recommendations; preference centre; lookalike audiences",
                    "recommendation click-through rate|%|up|2|20;"
                    " share of sessions personalized|%|up|10|90;"
                    " model refresh interval|h|down|1|168; revenue from recommendations|%|up|5|35",
                ),
                make_domain(
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
                make_domain(
                    "Payments",
                    "card payments; payouts; fraud screening; refunds; chargebacks;"
                    " digital wallets; reconciliation; local payment methods; bank transfers",
                    "payment authorisation rate|%|up|85|99.5; payout delay|h|down|2|96;"
                    " fraud loss rate|bps|down|2|60; refund processing time|days|down|1|14;"
                    " chargeback rate|bps|down|5|120;"
                    " share of volume on local payment methods|%|up|5|60",
                ),
                make_domain(
                    "Billing",
                    "invoicing; usage metering; dunning; tax calculation; credit notes;"
                    " billing portal; revenue recognition",
                    "invoice accuracy|%|up|95|99.9; failed payment recovery rate|%|up|20|80;"
                    " billing tickets per week|tickets|down|20|800;"
                    " days sales outstanding|days|down|20|75; metering delay|min|down|1|600",
                ),
                make_domain(
                    "Checkout",
                    "cart; checkout flow; address entry; express checkout; guest checkout;"
                    " order confirmation; promo codes",
                    "checkout conversion rate|%|up|40|85; cart abandonment rate|%|down|25|80;"
                    " checkout p95 load time|ms|down|300|3000;"
                    " orders placed with express checkout|%|up|5|60",
                ),
                make_domain(
                    "Pricing",
                    "price experiments; discount policy; packaging; regional pricing; price quotes;"
                    " enterprise price books",
                    "average revenue per account|USD|up|40|900;"
                    " discount rate on new deals|%|down|5|40|both;"
                    " quote turnaround time|h|down|2|96; gross margin on new plans|%|up|40|85",
                ),
                make_domain(
                    "Subscriptions",
                    "plan upgrades; renewals; cancellation flow; annual plans; seat management;"
                    " free trials",
                    "monthly subscriber churn|%|down|1|9; annual plan share|%|up|10|70;"
                    " upgrade rate|%|up|1|15; net revenue retention|%|up|90|140",
                ),
                make_domain(
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
                make_domain(
                    "Infrastructure",
                    "compute clusters; container platform; capacity planning; cloud costs;"
                    " edge network; remote build cache; database fleet",
                    "monthly cloud spend|k USD|down|200|9000; cluster utilisation|%|up|25|80;"
                    " time to provision a service|min|down|5|2880;"
                    " hosts on the current OS|%|up|40|100",
                ),
                make_domain(
                    "Reliability",
                    "incident response; on-call health; service level objectives;"
                    " disaster recovery; chaos testing; postmortems; capacity alerts",
                    "availability of core APIs|%|up|99|99.99; mean time to restore|min|down|10|300;"
                    " sev-1 incidents per quarter|incidents|down|1|25;"
                    " services with defined SLOs|%|up|20|100;"
                    " pages per on-call shift|pages|down|1|40",
                ),
                make_domain(
                    "Developer Productivity",
                    "CI pipelines; CI build times; developer portal; code review; test flakiness;"
                    " local environments; release tooling",
                    "median CI time|min|down|5|60; flaky test rate|%|down|0.5|15;"
                    " deploys per engineer per week|deploys|up|1|15;"
                    " lead time for changes|h|down|2|240; developer satisfaction|points|up|20|80",
                ),
                make_domain(
                    "Security",
                    "vulnerability management; secrets handling; access reviews; security training;"
                    " threat detection; endpoint security; software supply chain",
                    "critical vulnerabilities past SLA|vulnerabilities|down|0|60;"
                    " mean time to patch critical CVEs|days|down|2|45;"
                    " staff who completed security training|%|up|60|100;"
                    " services behind single sign-on|%|up|40|100;"
                    " phishing simulation click rate|%|down|1|25",
                ),
                make_domain(
                    "Identity",
                    "single sign-on; login; multi-factor authentication; account recovery;"
                    " permissions model; session management",
                    "login success rate|%|up|90|99.8; accounts with MFA enabled|%|up|10|95;"
                    " account takeover incidents|incidents|down|0|80;"
                    " password reset tickets per week|tickets|down|10|900",
                ),
                make_domain(
                    "Observability",
                    "logging pipeline; metrics platform; distributed tracing; alerting;"
                    " service dashboards; error tracking",
                    "services with tracing|%|up|10|100; alert noise ratio|%|down|10|80;"
                    " log ingestion cost|k USD|down|20|600; time to detect incidents|min|down|1|60",
                ),
                make_domain(
                    "Networking",
                    "service mesh; load balancers; DNS; content delivery; private connectivity;"
                    " edge caching",
                    "CDN cache hit ratio|%|up|60|98;"
                    " p99 latency between regions|ms|down|40|400; egress cost|k USD|down|10|700",
                ),
                make_domain(
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
                make_domain(
                    "Data Platform",
                    "data warehouse; streaming pipelines; data lake; batch jobs; schema registry;"
                    " data contracts; self-serve SQL",
                    "pipelines meeting their freshness SLA|%|up|70|99.5;"
                    " failed nightly jobs per week|jobs|down|0|60;"
                    " warehouse query p90|s|down|2|120;"
                    " datasets with an owner|%|up|30|100",
                ),
                make_domain(
                    "Analytics",
                    "business dashboards; metric definitions; self-serve reporting; forecasting;"
                    " executive reporting; product analytics",
                    "decisions backed by a shared metric|%|up|20|90;"
                    " dashboard load time|s|down|1|40;"
                    " ad-hoc data requests per week|requests|down|5|200;"
                    " weekly active dashboard users|users|up|50|4000",
                ),
                make_domain(
                    "Machine Learning",
                    "model training platform; feature store; model serving; ranking models;"
                    " forecasting models; data labelling; model monitoring",
                    "time to deploy a model|days|down|1|45;"
                    " models with drift monitoring|%|up|10|100;"
                    " inference p99 latency|ms|down|20|800; offline-online metric gap|%|down|1|25",
                ),
                make_domain(
                    "Experimentation",
                    "A/B testing platform; experiment reviews; metric guardrails; feature flags;"
                    " holdout groups",
                    "experiments started per month|experiments|up|5|300;"
                    " experiments with a pre-registered hypothesis|%|up|20|100;"
                    " time to experiment result|days|down|3|40",
                ),
                make_domain(
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
                make_domain(
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
                make_domain(
                    "Customer Success",
                    "account health; business reviews; renewal risk; adoption playbooks;"
                    " customer onboarding; executive sponsorship",
                    "gross revenue retention|%|up|80|98; accounts with a success plan|%|up|20|100;"
                    " time to onboard enterprise accounts|days|down|7|120;"
                    " net promoter score|NPS|up|-10|70",
                ),
                make_domain(
                    "Documentation",
                    "API reference; tutorials; release notes; docs search; code samples;"
                    " localised docs",
                    "docs pages rated helpful|%|up|40|90;"
                    " tickets caused by missing docs|tickets|down|5|400;"
                    " docs pages translated|pages|up|20|3000",
                ),
                make_domain(
                    "Community",
                    "community forum; user groups; developer advocacy; community events;"
                    " ambassador program; forum moderation",
                    "forum questions answered within 24 hours|%|up|30|95;"
                    " monthly active community members|members|up|200|40000;"
                    " event attendees|attendees|up|50|8000",
                ),
                make_domain(
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
                sales_domain("EMEA"),
                sales_domain("North America"),
                sales_domain("APAC"),
                sales_domain("LATAM"),
                sales_domain("DACH"),
                make_domain(
                    "Partnerships",
                    "technology partners; resellers; integration marketplace; co-selling;"
                    " partner enablement; strategic alliances",
                    "partner-sourced revenue|M USD|up|0.5|60; certified partners|partners|up|5|600;"
                    " live integrations|integrations|up|5|400",
                ),
                make_domain(
                    "Marketing",
                    "brand campaigns; product marketing; content marketing; customer stories;"
                    " event marketing; website messaging",
                    "marketing-qualified leads|leads|up|200|30000;"
                    " brand awareness in target markets|%|up|5|60;"
                    " cost per lead|USD|down|20|600; share of voice|%|up|2|40",
                ),
                make_domain(
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
                make_domain(
                    "Logistics",
                    "last-mile delivery; warehouse operations; returns handling;"
                    " carrier management; delivery tracking; packaging",
                    "on-time delivery rate|%|up|80|99.5; cost per parcel|USD|down|2|15;"
                    " return processing time|days|down|1|20; damaged shipments|%|down|0.1|5",
                ),
                make_domain(
                    "Procurement",
                    "vendor onboarding; purchase orders; contract renewals; spend analytics;"
                    " supplier risk",
                    "spend under contract|%|up|40|98; purchase order cycle time|days|down|1|30;"
                    " savings from renegotiated contracts|k USD|up|50|9000",
                ),
                make_domain(
                    "IT",
                    "laptop fleet; service desk; SaaS licences; office networks;"
                    " device management; equipment for new hires",
                    "IT tickets resolved the same day|%|up|40|95;"
                    " unused SaaS licences|licences|down|20|4000;"
                    " new hires productive on day one|%|up|40|100;"
                    " devices on the latest OS|%|up|40|100",
                ),
                make_domain(
                    "Facilities",
                    "office space; workplace safety; energy use; desk booking; visitor management",
                    "office energy use|MWh|down|50|3000;"
                    " workplace safety incidents|incidents|down|0|40;"
                    " office utilisation|%|up|20|85",
                ),
                make_domain(
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
                make_domain(
                    "Finance",
                    "monthly close; budgeting; financial planning; expense management; treasury;"
                    " audit readiness",
                    "days to close the books|days|down|3|20; forecast accuracy|%|up|70|98;"
                    " expense reports paid within five days|%|up|50|99;"
                    " open audit findings|findings|down|0|40",
                ),
                make_domain(
                    "Legal",
                    "contract review; compliance programs; privacy program; intellectual property;"
                    " policy library; regulatory filings",
                    "contract turnaround time|days|down|1|30;"
                    " contracts on standard terms|%|up|30|95;"
                    " compliance training completion|%|up|60|100",
                ),
                make_domain(
                    "People",
                    "performance reviews; compensation; employee engagement; internal mobility;"
                    " wellbeing; diversity and inclusion; people analytics",
                    "employee engagement score|points|up|50|90; regretted attrition|%|down|2|20;"
                    " roles filled by internal moves|%|up|10|50;"
                    " managers trained on feedback|%|up|20|100",
                ),
                make_domain(
                    "Recruiting",
                    "candidate sourcing; interview loops; offer process; employer brand;"
                    " university hiring; recruiting tools",
                    "time to hire|days|down|15|90; offer acceptance rate|%|up|60|95;"
                    " candidates rating the process good|%|up|50|95;"
                    " hires from referrals|%|up|10|50",
                ),
                make_domain(
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
GENERIC_METRICS = parse_metrics(
    "roadmap items delivered on time|%|up|40|95; engagement survey score|points|up|50|90;"
    " share of unplanned work|%|down|5|50; bugs older than 30 days|bugs|down|0|400;"
    " cost per transaction|USD|down|0.05|2; customer-reported defects per month|defects|down|2|300"
)

COMPANY_METRICS = parse_metrics(
    "annual recurring revenue|M USD|up|20|900; net revenue retention|%|up|95|140;"
    " gross margin|%|up|50|85; customer NPS|NPS|up|0|70;"
    " active customers|customers|up|5000|900000; availability of the product|%|up|99|99.99;"
    " employee engagement|points|up|60|90; regretted attrition|%|down|3|15;"
    " operating expenses as a share of revenue|%|down|40|90;"
    " carbon emissions per customer|kg|down|5|80; time to value for new customers|days|down|2|60"
)
