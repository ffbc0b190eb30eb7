"""Webhook delivery: fan-out of outbox events to subscriptions, signing, sending, retries.

==============  ===============================================================================
module          what it holds
==============  ===============================================================================
``dispatch``    queue deliveries in the writing transaction (called by the outbox)
``store``       claim due deliveries (leases), record outcomes, the retry schedule, disabling
``sender``      one HTTP attempt: SSRF-checked address, signed headers, deadline, capped answer
``signing``     Standard Webhooks signatures (both secrets during a rotation)
``ssrf``        which URLs may be called, after DNS resolution
``payload``     the body: the event envelope of the spec's ``Event`` schema
``worker``      the asyncio task started in the app's lifespan
==============  ===============================================================================
"""
