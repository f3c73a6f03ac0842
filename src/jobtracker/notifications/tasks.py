"""Email delivery: one task per delivery, safe to run twice (a delivery marked sent is never
sent again) and to requeue from its start after it became a dead letter."""

from __future__ import annotations

import uuid

from dbos import DBOS
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from jobtracker.config import Settings
from jobtracker.notifications.channels import email_channel
from jobtracker.notifications.channels.base import Letter, build_message
from jobtracker.notifications.models import DeliveryStatus, Notification
from jobtracker.notifications.repository import DeliveryRepository, NotificationRepository
from jobtracker.notifications.schemas import NotificationKind
from jobtracker.tasks import runtime
from jobtracker.tasks.errors import TaskFailed
from jobtracker.tasks.registry import task
from jobtracker.tasks.retry import attempt_step
from jobtracker.users import service as users

PRODUCT = "Jobtracker"
templates = Environment(
    loader=PackageLoader("jobtracker", "templates/email"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
)


@task("notifications.deliver", queue="notifications", kind="email")
def deliver(delivery_id: str) -> str:
    """Send one email delivery. Transient failures are retried with backoff; when they run out,
    or at once on a permanent one, the delivery is marked failed and the task is a dead letter."""
    letter = DBOS.run_step({"name": "prepare"}, _prepare, delivery_id)
    if letter is None:
        return "nothing to send"
    try:
        attempt_step(runtime.policy("email"), "send", _send, delivery_id, letter)
    except TaskFailed as failure:
        DBOS.run_step({"name": "record_failure"}, _record_failure, delivery_id, failure.message)
        raise
    DBOS.run_step({"name": "mark_sent"}, _mark_sent, delivery_id)
    return "sent"


def _prepare(delivery_id: str) -> Letter | None:
    """The letter to send, or None when there is nothing to do (sent already, or gone)."""
    with runtime.session_scope() as session:
        deliveries = DeliveryRepository(session)
        delivery = deliveries.get(uuid.UUID(delivery_id))
        if delivery is None or delivery.status == DeliveryStatus.SENT:
            return None
        notification = NotificationRepository(session).get(delivery.notification_id)
        assert notification is not None  # the delivery's foreign key cascades
        user = users.get_active_user(session, user_id=notification.user_id)
        if user is None:
            deliveries.mark_failed(delivery.id, "the recipient's account is not active")
            return None
        deliveries.reopen(delivery.id)
        return _compose(notification, to=user.email, key=delivery.idempotency_key)


def _compose(notification: Notification, *, to: str, key: str) -> Letter:
    """The text and HTML of a notification's email, with an absolute link back to the app."""
    settings = runtime.current().settings
    context = {
        "product": PRODUCT, "title": notification.title, "body": notification.body,
        "url": _absolute(settings, notification.link),
        "preferences_url": _absolute(settings, "/notifications#preferences"),
        "kind_label": NotificationKind(notification.kind).info.label,
    }  # fmt: skip
    return Letter(
        to=to,
        subject=f"{notification.title} · {PRODUCT}",
        text=templates.get_template("notification.txt").render(context),
        html=templates.get_template("notification.html").render(context),
        date=notification.created_at,
        idempotency_key=key,
    )


def _absolute(settings: Settings, path: str) -> str:
    return settings.base_url.rstrip("/") + path


def _send(delivery_id: str, letter: Letter) -> None:
    """One attempt, counted before it is made; its error is kept for the operator."""
    settings = runtime.current().settings
    with runtime.session_scope() as session:
        DeliveryRepository(session).count_attempt(uuid.UUID(delivery_id))
    try:
        email_channel(settings).send(build_message(letter, sender=settings.email_from))
    except Exception as error:
        with runtime.session_scope() as session:
            DeliveryRepository(session).record_error(uuid.UUID(delivery_id), str(error))
        raise


def _record_failure(delivery_id: str, error: str) -> None:
    with runtime.session_scope() as session:
        DeliveryRepository(session).mark_failed(uuid.UUID(delivery_id), error)


def _mark_sent(delivery_id: str) -> None:
    with runtime.session_scope() as session:
        DeliveryRepository(session).mark_sent(uuid.UUID(delivery_id))
