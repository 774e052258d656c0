from marshmallow import fields

from backend2.extensions import ma


class DependencySchema(ma.Schema):
    ok = fields.Boolean(required=True)
    configured = fields.Boolean()
    latencyMs = fields.Float()
    error = fields.String()


class HealthSchema(ma.Schema):
    status = fields.String(required=True, metadata={"enum": ["ok", "degraded", "down"]})
    version = fields.String(required=True)
    uptimeSeconds = fields.Float(required=True)
    database = fields.Nested(DependencySchema, required=True)
    redis = fields.Nested(DependencySchema, required=True)
