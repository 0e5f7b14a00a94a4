"""Photos and files: what may be uploaded, the form the API signs, what a new ticket may refer to, staff's links."""

from datetime import timedelta
from typing import Any

import pytest
from hotline.domain.base.errors import InvalidInput
from hotline.domain.tickets.catalog import Channel
from hotline.domain.tickets.ticket import Actor, Attachment
from hotline.domain.uploads.rules import KEY, MAX_BYTES, UploadRequest
from hotline.domain.uploads.uploads import Uploads
from pydantic import ValidationError

from tests.unit.fakes import FakeFileStore
from tests.unit.ticket_world import CITIZEN, World, draft, local

PHOTO = "uploads/2026/09/30/0f8fad5bd9cb469fa16570867728950e"
SCAN = "uploads/2026/09/30/7c9e6679742540de944be07fc1f90ae7"
PARTNER = Actor(role="partner", id="city-app")


def _request(**given: Any) -> UploadRequest:
    return UploadRequest.model_validate(
        {"filename": "噪音现场.jpg", "content_type": "image/jpeg", "size": 2048, **given}
    )


def _refused_field(**given: Any) -> str:
    with pytest.raises(ValidationError) as refused:
        _request(**given)
    (error,) = refused.value.errors()
    return ".".join(map(str, error["loc"]))


# -- what may be uploaded --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type", ["image/jpeg", "image/png", "image/webp", "image/gif", "image/heic", "application/pdf", "IMAGE/PNG"]
)
def test_images_and_pdf_may_be_uploaded(content_type: str) -> None:
    assert _request(content_type=content_type).content_type.value == content_type.lower()


@pytest.mark.parametrize("content_type", ["image/svg+xml", "text/html", "application/zip", "video/mp4", ""])
def test_other_types_are_refused_naming_content_type(content_type: str) -> None:
    assert _refused_field(content_type=content_type) == "content_type"


@pytest.mark.parametrize("size", [0, -1, MAX_BYTES + 1, "2048", 2048.0, True])
def test_a_size_that_is_not_1_byte_to_10_mb_is_refused_naming_size(size: object) -> None:
    assert _refused_field(size=size) == "size"


def test_ten_megabytes_may_be_uploaded() -> None:
    assert _request(size=10 * 1024 * 1024).size == MAX_BYTES


@pytest.mark.parametrize(
    "filename", ["", "   ", "../etc/passwd", "a\\b.jpg", "..", "a\x00.jpg", "photo\n.jpg", "\u202egpj.exe", "x" * 201]
)
def test_a_bad_file_name_is_refused_naming_filename(filename: str) -> None:
    assert _refused_field(filename=filename) == "filename"


def test_unknown_fields_are_refused() -> None:
    assert _refused_field(key="uploads/mine") == "key"


# -- the signed form -------------------------------------------------------------------------------------


def test_the_form_is_for_a_fresh_key_of_the_day_the_declared_type_and_at_most_the_declared_size() -> None:
    files = FakeFileStore()
    world = World(files=files)
    uploads = Uploads(files, world.clock)

    first = uploads.start(_request(filename="secret.jpg", content_type="image/png", size=5000))
    second = uploads.start(_request())

    assert KEY.fullmatch(first.key) and first.key.startswith("uploads/2026/09/30/")  # 10:00 in Shanghai is 02:00 UTC
    assert "secret" not in first.key and first.key != second.key
    assert first.fields == {"key": first.key, "Content-Type": "image/png", "content-length-range": "1,5000"}
    assert first.url == "https://uploads.example/"
    assert first.expires_at - files.signed_at == timedelta(minutes=5)


# -- what a new ticket may refer to ----------------------------------------------------------------------


def _submit(world: World, *attachments: dict[str, Any], actor: Actor = CITIZEN, partner: bool = False) -> Any:
    extra = {"partner_id": "city-app"} if partner else {}
    return world.intake.register(
        draft(attachments=list(attachments)), Channel.PARTNER if partner else Channel.WEB, actor, **extra
    ).ticket


def _problems(world: World, *attachments: dict[str, Any], partner: bool = False) -> dict[str, str]:
    stored = len(world.store.tickets)
    with pytest.raises(InvalidInput) as refused:
        _submit(world, *attachments, actor=PARTNER if partner else CITIZEN, partner=partner)
    assert len(world.store.tickets) == stored  # nothing is registered
    return {p.field: p.problem for p in refused.value.fields}


def test_a_ticket_keeps_its_uploaded_files_with_the_type_they_were_stored_with() -> None:
    world = World()
    world.files.put(PHOTO, "image/jpeg")
    world.files.put(SCAN, "application/pdf", size=10 * 1024 * 1024)

    ticket = _submit(
        world,
        {"ref": PHOTO, "name": "现场.jpg", "content_type": "image/png"},
        {"ref": SCAN, "name": "通知.pdf"},
    )

    assert ticket.attachments == [
        Attachment(ref=PHOTO, name="现场.jpg", content_type="image/jpeg"),
        Attachment(ref=SCAN, name="通知.pdf", content_type="application/pdf"),
    ]


@pytest.mark.parametrize(
    "ref",
    [
        "https://pictures.example/1.jpg",
        "http://pictures.example/1.jpg",
        "reports/2026/09/30/0f8fad5bd9cb469fa16570867728950e",
        "uploads/2026/09/30/../../reports/x",
        "uploads/1.jpg",
        f"{PHOTO}/x",
    ],
)
def test_the_form_refers_only_to_keys_the_api_made(ref: str) -> None:
    world = World()
    world.files.put(PHOTO)
    assert list(_problems(world, {"ref": PHOTO}, {"ref": ref})) == ["attachments.1.ref"]


def test_a_key_nothing_was_uploaded_under_is_refused() -> None:
    problems = _problems(World(), {"ref": PHOTO})
    assert problems == {"attachments.0.ref": "no file was uploaded under this key"}


@pytest.mark.parametrize(("content_type", "size"), [("text/html", 100), ("image/jpeg", MAX_BYTES + 1), ("", 100)])
def test_a_stored_file_of_another_type_or_too_big_is_refused(content_type: str, size: int) -> None:
    world = World()
    world.files.put(PHOTO, content_type, size)
    assert list(_problems(world, {"ref": PHOTO})) == ["attachments.0.ref"]


def test_at_most_five_uploaded_files_and_each_once() -> None:
    world = World()
    keys = [world.files.put(f"uploads/2026/09/30/{i:032x}") for i in range(6)]
    assert list(_problems(world, *({"ref": key} for key in keys))) == ["attachments"]
    assert _problems(world, {"ref": keys[0]}, {"ref": keys[0]}) == {"attachments.1.ref": "the same file is named twice"}
    assert len(_submit(world, *({"ref": key} for key in keys[:5])).attachments) == 5


def test_an_attachments_name_follows_the_file_name_rules() -> None:
    world = World()
    world.files.put(PHOTO)
    assert list(_problems(world, {"ref": PHOTO, "name": "a/b.jpg"})) == ["attachments.0.name"]


def test_staff_registering_a_call_refer_only_to_uploaded_files_too() -> None:
    world = World()
    with pytest.raises(InvalidInput) as refused:
        world.intake.register(
            draft(attachments=[{"ref": "https://pictures.example/1.jpg"}]), Channel.PHONE, Actor(role="agent", id="a")
        )
    assert [p.field for p in refused.value.fields] == ["attachments.0.ref"]


def test_partners_may_also_give_https_links_but_their_upload_keys_are_checked_too() -> None:
    world = World()
    world.files.put(PHOTO, "image/webp")
    link = "https://pictures.example/1.jpg"

    ticket = _submit(world, {"ref": link}, {"ref": PHOTO}, actor=PARTNER, partner=True)

    assert ticket.attachments == [Attachment(ref=link), Attachment(ref=PHOTO, content_type="image/webp")]
    assert list(_problems(world, {"ref": SCAN}, partner=True)) == ["attachments.0.ref"]
    assert list(_problems(world, {"ref": "http://pictures.example/1.jpg"}, partner=True)) == ["attachments.0.ref"]


# -- staff's links ---------------------------------------------------------------------------------------


def test_staff_get_a_five_minute_link_to_each_uploaded_file_shown_or_saved_under_its_name() -> None:
    world = World()
    world.at(local(2026, 9, 30, 10))
    uploads = Uploads(world.files, world.clock)
    attachments = [
        Attachment(ref=PHOTO, name="现场.jpg", content_type="image/jpeg"),
        Attachment(ref=SCAN, name="IMG_0001.HEIC", content_type="image/heic"),
        Attachment(ref="https://pictures.example/1.jpg"),
    ]

    links = uploads.links(attachments)

    assert links == {
        PHOTO: f"https://uploads.example/{PHOTO}?type=image/jpeg&inline=现场.jpg&seconds=300",
        SCAN: f"https://uploads.example/{SCAN}?type=image/heic&attachment=IMG_0001.HEIC&seconds=300",
    }
