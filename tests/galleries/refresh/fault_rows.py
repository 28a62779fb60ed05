"""The refresh's fault matrix: one `Row` per fault (run by test_refresh_faults.py)."""

from __future__ import annotations

from .fault_kit import (
    ARCHIVE,
    ARCHIVE_IMAGES,
    DISCOVERY,
    GALLERY_LIST,
    IMAGE,
    IMAGE_LISTS,
    IMPATIENT_DATABASE,
    MAIN,
    MAIN_IMAGES,
    SLOW_VERSIONS,
    TOKEN,
    VERSIONS,
    Row,
    arm_404,
    database_busy_while_saving,
    gone_from,
    kill_pool_child,
    kill_worker_then_refresh_now,
    kill_worker_then_wait_command,
    remove_role_assignments,
    rotate_secret,
    subscription_state,
)

# --- the matrix ----------------------------------------------------------------------------
ROWS = [
    Row("nothing wrong (nothing to write)"),
    # ARM throttling and server errors
    Row(
        "429 beyond the retry budget on one version list",
        faults=({"kind": "throttle", "path_pattern": VERSIONS, "retry_after": 1},),
        status="partial",
        says=("throttled", "HTTP 429", IMAGE),
    ),
    Row(
        "one transient 429, waited out",
        faults=({"kind": "throttle", "path_pattern": VERSIONS, "retry_after": 1, "count": 1},),
    ),
    Row(
        "429 with a Retry-After of two minutes does not block the worker",
        faults=({"kind": "throttle", "path_pattern": VERSIONS, "retry_after": 120},),
        status="partial",
        says=("throttled",),
        within_seconds=10,
    ),
    Row(
        "500 on every image list",
        faults=({"kind": "error", "status": 500, "path_pattern": IMAGE_LISTS},),
        status="partial",
        says=("server error (HTTP 500", MAIN, ARCHIVE),
    ),
    Row(
        "503 on page 2 of a version list",
        faults=({"kind": "fail_page", "page": 2, "status": 503, "path_pattern": VERSIONS},),
        status="partial",
        says=(IMAGE, "HTTP 503", "page 2"),
    ),
    Row(
        "the gallery list hangs",
        faults=({"kind": "hang", "hang_seconds": 3, "path_pattern": GALLERY_LIST},),
        status="failed",
        says=("timed out",),
        within_seconds=15,
    ),
    Row(
        "the gallery list's connection is reset",
        faults=({"kind": "reset", "path_pattern": GALLERY_LIST},),
        status="failed",
        says=("connection to Azure was dropped",),
    ),
    Row(
        "403 on one gallery's images",
        faults=({"kind": "error", "status": 403, "path_pattern": ARCHIVE_IMAGES},),
        status="partial",
        says=(ARCHIVE, "403"),
    ),
    Row(
        "the principal lost its role assignments",
        change=remove_role_assignments,
        status="failed",
        says=("no access", "403"),
    ),
    # 404s: a deletion needs the parent's listing
    Row(
        "the subscription vanishes mid-walk (404 SubscriptionNotFound on page 2 of image lists)",
        faults=(arm_404("SubscriptionNotFound", IMAGE_LISTS, kind="fail_page", page=2),),
        status="failed",
        says=("subscription was not found in the middle of the refresh", "every cached"),
    ),
    Row(
        "404 SubscriptionNotFound on the gallery list",
        faults=(arm_404("SubscriptionNotFound", GALLERY_LIST),),
        status="failed",
        says=("subscription was not found",),
    ),
    Row(
        "a spurious 404 ResourceNotFound on one gallery's image list",
        faults=(arm_404("ResourceNotFound", MAIN_IMAGES),),
        status="partial",
        says=(MAIN, "ResourceNotFound", "still lists the gallery"),
    ),
    Row(
        "404 ResourceGroupNotFound on an image list, the group still listed",
        faults=(arm_404("ResourceGroupNotFound", ARCHIVE_IMAGES),),
        status="partial",
        says=(ARCHIVE, "resource group was not found", "still lists the gallery"),
    ),
    Row(
        "404 ParentResourceNotFound on a version list, the image still listed",
        faults=(arm_404("ParentResourceNotFound", VERSIONS),),
        status="partial",
        says=(IMAGE, "ParentResourceNotFound", "still lists the image"),
    ),
    Row(
        "a 404 with a generic code on a version list",
        faults=({"kind": "error", "status": 404, "code": "NotFound", "path_pattern": VERSIONS},),
        status="partial",
        says=(IMAGE, "HTTP 404 NotFound"),
    ),
    Row(
        "404 ResourceNotFound on page 2 of a version list",
        faults=(arm_404("ResourceNotFound", VERSIONS, kind="fail_page", page=2),),
        status="partial",
        says=(IMAGE, "page 2"),
    ),
    Row(
        "a gallery deleted between the lists (404, and the subscription no longer lists it)",
        faults=(
            {
                "kind": "omit",
                "path_pattern": GALLERY_LIST,
                "item_pattern": f"/{ARCHIVE}$",
                "after": 1,
            },
            arm_404("ResourceNotFound", ARCHIVE_IMAGES),
        ),
        rows=f"gone:{ARCHIVE}",
    ),
    Row(
        "an image deleted between the lists (404, and its gallery no longer lists it)",
        faults=(
            gone_from(MAIN_IMAGES, f"/images/{IMAGE.lower()}", after=3),  # 3 pages pass
            {"kind": "error", "status": 404, "code": "ResourceNotFound", "path_pattern": VERSIONS},
        ),
        rows=f"gone:{MAIN}/{IMAGE}",
    ),
    Row(
        "targeted refresh: a spurious 404 on the gallery's own GET",
        gallery=MAIN,
        faults=(arm_404("ResourceNotFound", rf"/galleries/{MAIN}$"),),
        status="failed",
        says=(f"Reading the gallery {MAIN} failed", "still lists the gallery"),
    ),
    Row(
        "targeted refresh: the gallery is gone (404, and the subscription no longer lists it)",
        gallery=ARCHIVE,
        faults=(
            gone_from(GALLERY_LIST, f"/{ARCHIVE}"),
            arm_404("ResourceNotFound", rf"/galleries/{ARCHIVE}$"),
        ),
        rows=f"gone:{ARCHIVE}",
    ),
    # Entra ID: an outage is not a bad secret
    *(
        Row(
            f"identity outage: {name}",
            faults=(fault,),
            status="failed",
            says=("Identity service unavailable", detail, "not marked invalid"),
            never_says=("secret", "Unexpected error"),
            within_seconds=15,
        )
        for name, fault, detail in [
            ("token endpoint 503", {"kind": "error", "status": 503, "path_pattern": TOKEN}, "503"),
            ("token endpoint 500", {"kind": "error", "status": 500, "path_pattern": TOKEN}, "500"),
            (
                "token endpoint 429",
                {"kind": "throttle", "retry_after": 0, "path_pattern": TOKEN},
                "429",
            ),
            (
                "token endpoint hangs",
                {"kind": "hang", "hang_seconds": 3, "path_pattern": TOKEN},
                "timed out",
            ),
            (
                "token endpoint resets the connection",
                {"kind": "reset", "path_pattern": TOKEN},
                "dropped the connection",
            ),
            (
                "authority discovery 503",
                {"kind": "error", "status": 503, "path_pattern": DISCOVERY},
                "503",
            ),
        ]
    ),
    Row(
        "the secret was rotated in Azure (AADSTS7000215)",
        change=rotate_secret,
        status="failed",
        says=("client secret is wrong",),
        never_says=("rotated-in-azure",),
        credential="invalid",
    ),
    Row(
        "the secret expired (AADSTS7000222)",
        faults=(
            {
                "kind": "error",
                "status": 401,
                "code": "invalid_client",
                "aadsts": 7000222,
                "path_pattern": TOKEN,
            },
        ),
        status="failed",
        says=("client secret has expired",),
        credential="invalid",
    ),
    Row(
        "Entra ID refuses the client (unauthorized_client)",
        faults=(
            {"kind": "error", "status": 400, "code": "unauthorized_client", "path_pattern": TOKEN},
        ),
        status="failed",
        says=("unauthorized_client",),
        credential="invalid",
    ),
    Row(
        "ARM 401 to a token once: signed in afresh, then it works",
        faults=(
            {
                "kind": "error",
                "status": 401,
                "code": "ExpiredAuthenticationToken",
                "path_pattern": GALLERY_LIST,
                "count": 1,
            },
        ),
        token_requests=2,
    ),
    Row(
        "ARM 401 to every token, fresh ones too",
        faults=(
            {
                "kind": "error",
                "status": 401,
                "code": "InvalidAuthenticationToken",
                "path_pattern": GALLERY_LIST,
            },
        ),
        status="failed",
        says=("rejected the access token", "not marked invalid"),
        token_requests=2,
    ),
    # The subscription's own state
    Row(
        "the subscription is Disabled in Azure",
        change=subscription_state("Disabled"),
        azure_state="Disabled",
    ),
    Row(
        "the subscription is Warned in Azure",
        change=subscription_state("Warned"),
        azure_state="Warned",
    ),
    # The worker and the database
    Row(
        "SIGKILL of the pool process mid-listing: the redelivered task takes the run over",
        faults=(SLOW_VERSIONS,),
        disrupt=kill_pool_child,
        attempts=2,
        within_seconds=60,
    ),
    Row(
        "SIGKILL of the whole worker mid-listing, then Refresh now",
        faults=(SLOW_VERSIONS,),
        disrupt=kill_worker_then_refresh_now,
        status="failed",
        says=("stopped responding", "A new refresh can start now"),
        within_seconds=60,
        own_worker={},
    ),
    Row(
        "SIGKILL of the whole worker mid-listing, then refresh_inventory --wait",
        faults=(SLOW_VERSIONS,),
        disrupt=kill_worker_then_wait_command,
        status="failed",
        says=("stopped responding",),
        within_seconds=60,
        own_worker={},
    ),
    Row(
        "the database is busy while the run saves, past the worker's retries",
        faults=(SLOW_VERSIONS,),
        disrupt=database_busy_while_saving,
        status="failed",
        says=("the database was busy", "nothing was changed"),
        within_seconds=60,
        own_worker=IMPATIENT_DATABASE,
    ),
]
