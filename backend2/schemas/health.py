from marshmallow import fields

from backend2.extensions import ma


class DependencySchema(ma.Schema):
    ok = fields.Boolean(required=True)
    configured = fields.Boolean()
    latencyMs = fields.Float()
    error = fields.String()


class PushHealthSchema(ma.Schema):
    enabled = fields.Boolean(required=True)
    providers = fields.List(fields.String(), required=True)
    queued = fields.Integer(metadata={"description": "push jobs not done yet (plans and pushes), every worker's"})
    sent = fields.Integer()
    failed = fields.Integer(metadata={"description": "refused by the provider, or given up after PUSH_MAX_ATTEMPTS"})
    retried = fields.Integer()
    droppedTokens = fields.Integer(metadata={"description": "tokens the provider called dead, removed"})
    dropped = fields.Integer(metadata={"description": "not sent: too late, signed out, or the queue was full"})
    error = fields.String()


class JobOutcomesSchema(ma.Schema):
    done = fields.Integer(required=True)
    failed = fields.Integer(required=True)
    retried = fields.Integer(required=True, metadata={"description": "failures that will run again"})
    dead = fields.Integer(required=True, metadata={"description": "retries used up: kept in the dead-letter queue"})


class JobsHealthSchema(ma.Schema):
    queued = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "jobs not done yet per queue (waiting, delayed, or held or run by a worker), all workers'"})
    deadLetters = fields.Integer(metadata={"description": "jobs given up on, kept for a week"})
    outcomes = fields.Nested(JobOutcomesSchema, metadata={"description": "jobs run by every worker, by outcome"})
    error = fields.String()


class HealthSchema(ma.Schema):
    status = fields.String(required=True, metadata={"enum": ["ok", "degraded", "down"]})
    version = fields.String(required=True)
    uptimeSeconds = fields.Float(required=True)
    database = fields.Nested(DependencySchema, required=True)
    redis = fields.Nested(DependencySchema, required=True)
    push = fields.Nested(PushHealthSchema, required=True)
    jobs = fields.Nested(JobsHealthSchema, required=True)
    legacyTokens = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "uses of the Express servers' tokens by shape (mobile, desktop, other), every process's: "
                       "when they stop growing, ACCEPT_LEGACY_TOKENS can go off"})
