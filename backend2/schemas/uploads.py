from marshmallow import fields

from backend2.extensions import ma
from backend2.schemas.common import InputSchema, MediaLink


class UploadSchema(InputSchema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class UploadResultSchema(ma.Schema):
    url = MediaLink(required=True, metadata={"description": "signed: fetch it with or without a token; send it "
                                                           "back as an attachment's url"})
    name = fields.String()
    size = fields.Integer()
    mimeType = fields.String()
    width = fields.Integer()
    height = fields.Integer()
    thumbnailUrl = MediaLink(metadata={"description": "images; for a video, its first frame"})
    durationMs = fields.Integer(metadata={"description": "audio and video, when ffmpeg could read them"})
