from marshmallow import fields

from backend2.extensions import ma
from backend2.schemas.common import InputSchema


class UploadSchema(InputSchema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class UploadResultSchema(ma.Schema):
    url = fields.String(required=True)
    name = fields.String()
    size = fields.Integer()
    mimeType = fields.String()
    width = fields.Integer()
    height = fields.Integer()
    thumbnailUrl = fields.String()
