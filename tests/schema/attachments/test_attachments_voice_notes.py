"""Voice notes: server-only transcription behind a Transcriber, and manual corrections."""

from __future__ import annotations

import pytest

from nomos_mongo import (
    IntentRejected,
    MemoryBlobStorage,
    MemoryPersistence,
    NomosApp,
    NomosOptions,
    ServerExecutionRequired,
)
from schema.access import ACCESS_MODULE
from schema.attachments import (
    AttachmentAggregate,
    PocketSphinxTranscriber,
    Transcriber,
    TranscribeVoiceNoteIntent,
    UpdateVoiceNoteTranscriptionIntent,
    attachments_module,
)
from schema.attachments import transcription as transcription_module
from schema.attachments.events import VoiceNoteTranscribedEvent, VoiceNoteTranscriptionUpdatedEvent
from schema.attachments.transcription import TranscriberUnavailable, UnsupportedAudio, pcm_from_wav
from schema.contracts import VoiceNoteTranscription
from schema.identity import MODULE as IDENTITY_MODULE
from schema.identity import CreateUserIntent
from tests.schema.attachments.library import ESTATE, build_estate, head, upload_v1, upload_v2, wav
from tests.schema.helpers import estate_ctx, system_ctx

needs_pocketsphinx = pytest.mark.skipif(not PocketSphinxTranscriber.available(), reason="pocketsphinx is not installed")


class FakeTranscriber:
    name = "fake"

    def __init__(self, text: str = "replace the filter in unit a", error: Exception | None = None) -> None:
        self.text = text
        self.error = error
        self.heard: list[bytes] = []

    async def transcribe(self, audio: bytes, content_type: str) -> str:
        self.heard.append(audio)
        if self.error is not None:
            raise self.error
        return self.text


async def app_with(transcriber: Transcriber | None, blobs: MemoryBlobStorage) -> NomosApp:
    """An app whose attachments module has this transcriber and the app's own blob storage."""
    attachments = attachments_module(transcriber=transcriber, blob_storage=blobs)
    app = NomosApp(MemoryPersistence(), blob_storage=blobs, modules=[ACCESS_MODULE, IDENTITY_MODULE, attachments])
    await app.dispatch(
        CreateUserIntent(user_id="alice", display_name="Alice", email="a@example.com"), system_ctx("alice")
    )
    return app


@pytest.fixture
async def blobs() -> MemoryBlobStorage:
    return MemoryBlobStorage()


@pytest.fixture
async def app(co2_app: NomosApp) -> NomosApp:
    await build_estate(co2_app)
    return co2_app


def transcribe(attachment_id: str) -> TranscribeVoiceNoteIntent:
    return TranscribeVoiceNoteIntent(attachment_id=attachment_id, requested_by="alice")


async def note(app: NomosApp, attachment_id: str) -> AttachmentAggregate:
    found = await app.read_latest(AttachmentAggregate, ESTATE, "main", attachment_id)
    assert found is not None
    return found


async def refused(app: NomosApp, intent: object) -> IntentRejected:
    before = await head(app)
    with pytest.raises(IntentRejected) as caught:
        await app.dispatch(intent, estate_ctx(ESTATE))  # type: ignore[arg-type]
    assert await head(app) == before, "a rejected intent must write nothing"
    return caught.value


def test_transcription_is_server_only() -> None:
    assert TranscribeVoiceNoteIntent.requires_server_execution is True
    assert UpdateVoiceNoteTranscriptionIntent.requires_server_execution is False


async def test_a_client_runtime_without_transport_refuses_to_transcribe() -> None:
    app = NomosApp(
        MemoryPersistence(),
        modules=[ACCESS_MODULE, attachments_module(transcriber=FakeTranscriber())],
        options=NomosOptions(is_server_runtime=False),
    )
    with pytest.raises(ServerExecutionRequired):
        await app.dispatch(transcribe("att-1"), estate_ctx(ESTATE))


async def test_the_text_travels_from_plan_to_the_event(blobs: MemoryBlobStorage) -> None:
    fake = FakeTranscriber()
    async with await app_with(fake, blobs) as app:
        audio = wav()
        attachment_id = await upload_v2(app, audio, "audio/wav", "site-walk.wav")

        entry = await app.dispatch(transcribe(attachment_id), estate_ctx(ESTATE))

        assert fake.heard == [audio], "the audio came from blob storage"
        [record] = entry.events
        assert isinstance(record.event, VoiceNoteTranscribedEvent)
        assert (record.event.transcription.value, record.event.engine) == ("replace the filter in unit a", "fake")
        walk = await note(app, attachment_id)
        assert walk.transcription == VoiceNoteTranscription("replace the filter in unit a")
        assert walk.transcription_engine == "fake"
        assert entry.description == "Alice transcribed voice note site-walk.wav"
        assert app.registry.event_from_json(record.event.to_json()) == record.event
        assert (await app.verify_timeline(ESTATE, "main")).divergence is None


async def test_without_a_transcriber_transcription_is_refused(blobs: MemoryBlobStorage) -> None:
    async with await app_with(None, blobs) as app:
        attachment_id = await upload_v2(app, wav(), "audio/wav", "site-walk.wav")
        rejection = await refused(app, transcribe(attachment_id))
        assert rejection.rule == "attachments.no_transcriber"
        assert "no transcriber configured" in rejection.reason


async def test_a_transcriber_whose_engine_is_missing_is_no_transcriber(blobs: MemoryBlobStorage) -> None:
    missing = FakeTranscriber(error=TranscriberUnavailable("pocketsphinx is not installed"))
    async with await app_with(missing, blobs) as app:
        attachment_id = await upload_v2(app, wav(), "audio/wav", "site-walk.wav")
        assert (await refused(app, transcribe(attachment_id))).rule == "attachments.no_transcriber"


def test_without_the_speech_extra_there_is_no_default_transcriber(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transcription_module.importlib.util, "find_spec", lambda name: None)
    assert transcription_module.default_transcriber() is None


@pytest.mark.parametrize(
    ("upload", "rule"),
    [
        (lambda app: upload_v2(app), "attachments.not_a_voice_note"),  # a PDF
        (lambda app: upload_v2(app, wav(rate=8_000), "audio/wav", "phone.wav"), "attachments.unsupported_audio"),
        (lambda app: upload_v2(app, b"ID3 mp3 frames", "audio/mpeg", "memo.mp3"), "attachments.unsupported_audio"),
    ],
)
@needs_pocketsphinx
async def test_transcription_refuses_what_it_cannot_hear(blobs: MemoryBlobStorage, upload, rule: str) -> None:  # type: ignore[no-untyped-def]
    async with await app_with(PocketSphinxTranscriber(), blobs) as app:
        attachment_id = await upload(app)
        rejection = await refused(app, transcribe(attachment_id))
        assert (rejection.rule, rejection.field) == (rule, "attachmentId")


async def test_transcribing_an_unknown_attachment_is_refused(blobs: MemoryBlobStorage) -> None:
    async with await app_with(FakeTranscriber(), blobs) as app:
        assert (await refused(app, transcribe("att-404"))).rule == "attachments.not_found"


@needs_pocketsphinx
async def test_pocketsphinx_transcribes_a_v2_voice_note_from_blob_storage(blobs: MemoryBlobStorage) -> None:
    async with await app_with(PocketSphinxTranscriber(), blobs) as app:
        attachment_id = await upload_v2(app, wav(seconds=1.0), "audio/wav", "tone.wav")
        entry = await app.dispatch(transcribe(attachment_id), estate_ctx(ESTATE))

        event = entry.events[0].event
        assert isinstance(event, VoiceNoteTranscribedEvent) and event.engine == "pocketsphinx"
        assert isinstance(event.transcription.value, str)  # a tone holds no words; what matters is that it ran
        assert (await note(app, attachment_id)).transcription == event.transcription


@needs_pocketsphinx
async def test_the_default_module_transcribes_an_inline_v1_voice_note(co2_app: NomosApp) -> None:
    await build_estate(co2_app)
    attachment_id = await upload_v1(co2_app, wav(), "audio/wav", "memo.wav")
    entry = await co2_app.dispatch(transcribe(attachment_id), estate_ctx(ESTATE))
    assert entry.events[0].event.engine == "pocketsphinx"  # type: ignore[attr-defined]


async def test_the_default_module_reads_audio_from_the_apps_blob_storage(co2_app: NomosApp) -> None:
    await build_estate(co2_app)
    attachment_id = await upload_v2(co2_app, wav(), "audio/wav", "memo.wav")
    if not PocketSphinxTranscriber.available():
        assert (await refused(co2_app, transcribe(attachment_id))).rule == "attachments.no_transcriber"
        return
    # MODULE has no blob storage of its own: the directive reads the app's through ctx.blobs
    entry = await co2_app.dispatch(transcribe(attachment_id), estate_ctx(ESTATE))
    assert entry.events


def test_pcm_from_wav_names_the_expected_format() -> None:
    assert len(pcm_from_wav(wav(seconds=0.25))) == 0.25 * 16_000 * 2
    with pytest.raises(UnsupportedAudio, match="16 kHz mono 16-bit"):
        pcm_from_wav(wav(seconds=0.1, channels=2))
    with pytest.raises(UnsupportedAudio, match="not a PCM WAV"):
        pcm_from_wav(b"not audio at all")


# manual corrections ---------------------------------------------------------------------------
async def test_a_person_corrects_the_transcription(app: NomosApp) -> None:
    attachment_id = await upload_v1(app, wav(seconds=0.1), "audio/wav", "memo.wav")
    correction = UpdateVoiceNoteTranscriptionIntent(
        attachment_id=attachment_id,
        transcription="Replace the filter in HVAC Unit A.\nThen log it.",
        updated_by="alice",
    )
    entry = await app.dispatch(correction, estate_ctx(ESTATE))

    assert isinstance(entry.events[0].event, VoiceNoteTranscriptionUpdatedEvent)
    memo = await note(app, attachment_id)
    assert memo.transcription == VoiceNoteTranscription("Replace the filter in HVAC Unit A.\nThen log it.")
    assert memo.transcription_engine is None
    assert entry.description == "Alice corrected the transcription of memo.wav"


async def test_only_voice_notes_have_transcriptions(app: NomosApp) -> None:
    pdf_id = await upload_v2(app)
    not_audio = UpdateVoiceNoteTranscriptionIntent(attachment_id=pdf_id, transcription="x", updated_by="alice")
    unknown = UpdateVoiceNoteTranscriptionIntent(attachment_id="att-404", transcription="x", updated_by="alice")
    assert (await refused(app, not_audio)).rule == "attachments.not_a_voice_note"
    assert (await refused(app, unknown)).rule == "attachments.not_found"
