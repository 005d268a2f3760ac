"""
Registry sync adapter: delivers every ledger change to the provincial electronic
training-file registry exactly once, through an outbox drained by Celery.
"""
