"""What happens when a flow run fails: the run history says so, and a notification block
(when one is configured) tells the analysts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from duaal.common.db import DatabaseBusy, connect
from duaal.common.privacy import redact
from duaal.common.settings import load_settings

if TYPE_CHECKING:
    from prefect import Flow, State
    from prefect.client.schemas.objects import FlowRun


def record_failure(flow: Flow[..., Any], flow_run: FlowRun, state: State) -> None:
    """on_failure hook: mark the flow run's duaal run failed, then notify."""
    params = flow_run.parameters
    settings = load_settings(
        db=params.get("db"),
        notify_block=params.get("notify_block"),
        share_group=params.get("share_group"),
    )
    message = f"duaal flow run {flow_run.name} failed: {redact(state.message or '')}"
    try:
        con = connect(settings.db, timeout_s=10, share_group=settings.share_group)
    except DatabaseBusy:
        con = None
    if con is not None:
        try:
            con.execute(
                "UPDATE runs SET status = 'failed', error = coalesce(error, ?), "
                "finished_at = coalesce(finished_at, now()) "
                "WHERE flow_run_id = ? AND status NOT IN ('completed', 'interrupted')",
                [message, str(flow_run.id)],
            )
        finally:
            con.close()
    notify(message, settings.notify_block)


def notify(message: str, block_ref: str, subject: str = "duaal: run failed") -> None:
    """Send the message through the Prefect notification block named by the setting
    `notify_block` (e.g. 'slack-webhook/mtech-analysts'), when one is configured."""
    if not block_ref:
        return
    from prefect.blocks.core import Block

    block = Block.load(block_ref)
    block.notify(message, subject=subject)
