"""What the attachment tests share: estate XYZ with a site and an asset, files, and audio."""

from __future__ import annotations

import io
import math
import struct
import wave

from nomos_mongo import NomosApp
from schema.assets import CreateTrackableAssetIntent
from schema.attachments import CreateAttachmentIntent, CreateAttachmentIntentV2, CreateFolderIntent
from schema.contracts import AssetNickname, AssetType, EstateId, EstateName, SiteId, SiteName, TrackableAssetId
from schema.estates import CreateEstateIntent, CreateSiteWithTopologyDraftIntent
from schema.identity import CreateUserIntent
from tests.schema.helpers import estate_ctx, system_ctx

ESTATE = "estate-001"
SITE = "site-001"
ASSET = "asset-hvac-a"
PDF = b"%PDF-1.7\n" + b"compliance " * 100


async def build_estate(app: NomosApp) -> None:
    """Alice, and estate XYZ she owns, with site Building A and asset HVAC Unit A."""
    alice = CreateUserIntent(user_id="alice", display_name="Alice", email="alice@example.com")
    await app.dispatch(alice, system_ctx("alice"))
    ctx = estate_ctx(ESTATE, "alice")
    await app.dispatch(CreateEstateIntent(estate_id=EstateId(ESTATE), name=EstateName("XYZ")), ctx)
    await app.dispatch(
        CreateSiteWithTopologyDraftIntent(site_id=SiteId(SITE), site_name=SiteName("Building A"), estate_id=ESTATE), ctx
    )
    await app.dispatch(
        CreateTrackableAssetIntent(
            asset_id=TrackableAssetId(ASSET),
            name=AssetNickname("HVAC Unit A"),
            asset_type=AssetType.from_code("hvac"),
            created_by_user_id="alice",
        ),
        ctx,
    )


async def upload_v2(
    app: NomosApp,
    data: bytes = PDF,
    content_type: str = "application/pdf",
    name: str = "compliance_report.pdf",
    **more: object,
) -> str:
    blob_ref = await app.blob.upload_blob(data, content_type)
    intent = CreateAttachmentIntentV2(blob_ref=blob_ref, file_name=name, created_by="alice", **more)  # type: ignore[arg-type]
    entry = await app.dispatch(intent, estate_ctx(ESTATE, "alice"))
    return entry.events[0].aggregate_id


async def upload_v1(app: NomosApp, data: bytes, content_type: str, name: str, **more: object) -> str:
    intent = CreateAttachmentIntent(
        file_bytes={"inline": data, "content_type": content_type},
        file_name=name,
        created_by="alice",
        **more,  # type: ignore[arg-type]
    )
    entry = await app.dispatch(intent, estate_ctx(ESTATE, "alice"))
    return entry.events[0].aggregate_id


async def create_folder(app: NomosApp, folder_id: str, name: str, parent: str | None = None) -> None:
    intent = CreateFolderIntent(folder_id=folder_id, name=name, parent_folder_id=parent, created_by="alice")
    await app.dispatch(intent, estate_ctx(ESTATE, "alice"))


def wav(seconds: float = 0.5, rate: int = 16_000, channels: int = 1, tone_hz: float = 440.0) -> bytes:
    """A synthesized tone as PCM WAV: something to decode, not speech to recognize."""
    frames = int(seconds * rate)
    samples = (int(8_000 * math.sin(2 * math.pi * tone_hz * i / rate)) for i in range(frames))
    pcm = b"".join(struct.pack("<h", s) * channels for s in samples)
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(pcm)
    return out.getvalue()


async def head(app: NomosApp) -> int:
    return await app.head(ESTATE, "main")
