from marshmallow import fields

from backend2.extensions import ma
from backend2.schemas.common import MediaLink, ObjectIdString


class InviteLinkSchema(ma.Schema):
    conversationId = ObjectIdString()
    token = fields.String(allow_none=True, metadata={"description": "null: no link (revoked)"})
    url = fields.String(allow_none=True)


class InvitePreviewSchema(ma.Schema):
    conversationId = ObjectIdString()
    name = fields.String(allow_none=True)
    avatar = MediaLink(allow_none=True)
    avatarUrl = MediaLink(attribute="avatar", allow_none=True, dump_only=True)
    description = fields.String(allow_none=True)
    memberCount = fields.Integer()
    alreadyMember = fields.Boolean()
