"""Reviews of group changes: change requests (the proposed revision beside the live one), the
organization's review policy, approvals, the timeline, the review page and the inbox.

models (ReviewPolicy, ChangeRequest, Verdict, TimelineEvent), services (every write; the login
password typed for a change in proposed_password),
selectors (reads, scoped to one organization), diff (a change in words, field by field),
views + urls + templates/ (review page, inbox, policy settings).
"""
