"""Outbound messages, one module per kind: e-mail (Django's backends), Slack (incoming
webhooks, Block Kit), Microsoft Teams (a Workflows webhook, an Adaptive Card) and outbound
webhooks (signed JSON events). Each renders plain data (:mod:`.content`) and sends it; what
to send, when, and what happened is :mod:`tandem.notifications.deliveries`' business."""
