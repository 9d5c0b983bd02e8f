"""Comments on objectives, key results, check-ins and requests for help, with ``@person`` and
``@team`` mentions. Layer: above the whole organisation (it reads who may see what through the
one permission policy), below ``notifications``, which hears of new comments and mentions."""
