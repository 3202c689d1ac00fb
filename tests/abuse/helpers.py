"""What the abuse log's tests share: an entry as an activist would type it, and a photo with GPS."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.utils import timezone
from PIL import Image

from aigaq.abuse import services
from aigaq.abuse.inputs import EntryInput
from aigaq.abuse.models import AbuseEntry
from aigaq.accounts.models import User

MESSAGE = "Мен сенің қай жерде тұратыныңды білемін, marker-Ab7Q"
HANDLE = "@threatener_kz"


def entry_input(**overrides: Any) -> EntryInput:
    values: dict[str, Any] = {
        "platform": "instagram", "received_at": timezone.make_aware(dt.datetime(2026, 11, 3, 21, 15)),
        "threat_level": "located", "message": MESSAGE, "sender_handle": HANDLE,
        "sender_phone": "8 (701) 555-12-34", "sender_name": "Жәнібек Ахметов"}
    values.update(overrides)
    return EntryInput(**values)


def make_entry(actor: User, attachments: Any = (), **overrides: Any) -> AbuseEntry:
    return services.entry_create(actor=actor, data=entry_input(**overrides), attachments=attachments)


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {1: "N", 2: (43.0, 15.0, 0.0), 3: "E", 4: (76.0, 54.0, 0.0)}  # GPS: Almaty
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def form_data(**overrides: str) -> dict[str, str]:
    data = {"platform": "telegram", "received_on": "2026-11-20", "received_time": "23:40",
            "sender_handle": "t.me/Threatener_KZ", "sender_phone": "", "sender_name": "",
            "message": MESSAGE, "threat_level": "threat", "platform_reported_on": "", "platform_outcome": "",
            "police_reported_on": "", "police_outcome": ""}
    data.update(overrides)
    return data
