"""The `kind` of the Spot API's answers about groups, nodes, accounts and credentials, and the
error codes only they answer with (the envelope itself is console.api_envelope)."""

GROUP_DOESNT_EXIST = "GROUP_DOESNT_EXIST"
# Ours: the organization reviews API changes, so a create or update waits for review (409).
CHANGE_AWAITS_REVIEW = "CHANGE_AWAITS_REVIEW"

KIND_GROUP = "spotinst:azure:compute:group"
KIND_STATEFUL_NODE = "spotinst:azure:statefulNode"
KIND_ACCOUNT = "spotinst:setup:account"
KIND_CREDENTIALS = "spotinst:azure:setup:credentials"
