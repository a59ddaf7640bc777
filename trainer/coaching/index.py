"""The Chroma index over the knowledge notes and instructor material: incremental builds, tag filters, ingest."""

from __future__ import annotations

import hashlib
import logging
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from pydantic import BaseModel

from trainer.coaching.knowledge import (
    DEFAULT_BUDGET,
    KNOWN_TAGS,
    Note,
    chunk,
    default_notes_dir,
    load_notes,
    split_front_matter,
)
from trainer.config import PathSettings, path_settings

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

    from trainer.coaching.embeddings import MiniLMEmbedding

log = logging.getLogger(__name__)

COLLECTION = "leverage_knowledge"
INGEST_EXTENSIONS = (".md", ".markdown", ".txt", ".pdf")
MAX_FILE_BYTES = 20 * 1024 * 1024  # bigger files fail cleanly instead of stalling an ingest
MAX_TEXT_CHARS = 1_000_000  # ~250k tokens of extracted text
MAX_PDF_PAGES = 500


class IndexUnavailable(RuntimeError):
    """Chroma or the embedding model cannot be used; the message says why (callers may fall back)."""


class Hit(BaseModel):
    """One retrieved note (its best-matching chunk)."""

    note_id: str
    title: str
    source: str
    tags: list[str]
    text: str
    score: float  # cosine similarity, higher is better


@dataclass
class BuildReport:
    """What a (re)build did: unchanged notes are not re-embedded."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    chunks: int = 0
    seconds: float = 0.0


@dataclass
class IngestReport:
    """Per-file outcome of `trainer ingest`."""

    added: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def tag_key(tag: str) -> str:
    """Metadata key for a tag: Chroma metadata cannot hold lists, so each tag is a boolean field."""
    return "tag_" + re.sub(r"[^a-z0-9_]", "_", tag.lower())


def _client(settings: PathSettings) -> tuple[ClientAPI, str]:
    """An HttpClient when a server URL is configured, else a PersistentClient in `<data_dir>/chroma`."""
    import chromadb  # heavy (~2 s): imported when the index is first opened, not with the coach
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    url = settings.chroma_url
    if url:
        parsed = urlparse(url)
        port = parsed.port or (443 if parsed.scheme == "https" else 8000)
        client = chromadb.HttpClient(host=parsed.hostname or "localhost", port=port,
                                     ssl=parsed.scheme == "https", settings=chroma_settings)
        return client, url
    path = Path(settings.data_dir) / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings), str(path)


def _doc_metadata(note: Note, position: int, content_hash: str) -> dict[str, Any]:
    """Flat metadata for one chunk, with one boolean per tag for filtering."""
    meta: dict[str, Any] = {
        "note_id": note.id, "title": note.title, "source": note.source, "tags": ",".join(note.tags),
        "kind": note.kind, "chunk": position, "content_hash": content_hash, "path": note.path,
    }
    meta.update({tag_key(t): True for t in note.tags})
    return meta


class KnowledgeIndex:
    """Chroma-backed retrieval over the shipped notes plus anything an instructor ingests."""

    def __init__(self, settings: PathSettings | None = None, notes_dir: Path | str | None = None,
                 budget: int = DEFAULT_BUDGET, collection: str = COLLECTION) -> None:
        self.settings = settings if settings is not None else path_settings()
        self.notes_dir = Path(notes_dir) if notes_dir is not None else default_notes_dir()
        self.budget = budget
        self.collection_name = collection
        self._collection: Collection | None = None
        self._location = ""
        self._ef: MiniLMEmbedding | None = None

    # --- plumbing ---------------------------------------------------------------------------------------

    @property
    def collection(self) -> Collection:
        """The Chroma collection, opened on first use (IndexUnavailable if Chroma can't be reached)."""
        if self._collection is None:
            # imports chromadb (~2 s): only when the index is first opened, not with the coach
            from trainer.coaching.embeddings import MiniLMEmbedding

            # Named before connecting, so a server that is down is named in the error.
            self._location = self.settings.chroma_url or str(Path(self.settings.data_dir) / "chroma")
            try:
                client, self._location = _client(self.settings)
                self._ef = MiniLMEmbedding()
                self._collection = client.get_or_create_collection(
                    self.collection_name, embedding_function=self._ef,
                    configuration={"hnsw": {"space": "cosine"}},
                )
            except Exception as exc:  # noqa: BLE001 - chroma raises many types; callers need one
                raise IndexUnavailable(f"knowledge index unavailable ({self._location or 'chroma'}): {exc}") from exc
        return self._collection

    def _embed(self, texts: list[str]) -> list[Any]:
        """Vectors for texts (the model is shared per process)."""
        from trainer.coaching.embeddings import embed_texts  # imports chromadb (~2 s): on first use

        return list(embed_texts(texts))

    def _hashes(self, kind: str | None = None) -> dict[str, str]:
        """note_id -> content hash of everything already indexed (optionally of one kind)."""
        got = self.collection.get(where={"kind": kind} if kind else None, include=["metadatas"])
        return {m["note_id"]: m.get("content_hash", "") for m in got["metadatas"] or []}

    def _write(self, notes: list[tuple[Note, str]]) -> int:
        """Replace the chunks of several notes in one delete and one upsert (per-note writes are ~20x slower).

        The embedded text carries the note's title, so short chunks keep their topic.
        """
        if not notes:
            return 0
        ids, docs, metas, texts = [], [], [], []
        for note, digest in notes:
            pieces = chunk(note.body, self.budget) or [note.title]
            ids += [f"{note.id}#{i}" for i in range(len(pieces))]
            docs += pieces
            metas += [_doc_metadata(note, i, digest) for i in range(len(pieces))]
            texts += [f"{note.title}\n\n{p}" for p in pieces]
            idea = note.section("The idea")
            if idea:  # a short "title + idea" vector matches short questions far better (recall@3 0.80 -> 0.96)
                ids.append(f"{note.id}#summary")
                docs.append(f"## The idea\n{idea}")
                metas.append(_doc_metadata(note, -1, digest))
                texts.append(f"{note.title}. {idea}")
        self.collection.delete(where={"note_id": {"$in": [n.id for n, _ in notes]}})
        vectors = self._embed(texts)
        for start in range(0, len(ids), 1000):
            end = start + 1000
            self.collection.upsert(ids=ids[start:end], documents=docs[start:end],
                                   embeddings=vectors[start:end], metadatas=metas[start:end])
        return len(ids)

    # --- public API -------------------------------------------------------------------------------------

    def build(self, incremental: bool = True) -> BuildReport:
        """Index the shipped notes; unchanged notes (same content hash) are not re-embedded."""
        started = time.perf_counter()
        notes = load_notes(self.notes_dir)
        report = BuildReport()
        existing = self._hashes("note")
        pending: list[tuple[Note, str]] = []
        for note in notes:
            digest = f"{note.content_hash}:{self.budget}"
            if incremental and existing.get(note.id) == digest:
                report.unchanged.append(note.id)
                continue
            (report.updated if note.id in existing else report.added).append(note.id)
            pending.append((note, digest))
        report.chunks = self._write(pending)
        report.removed = sorted(set(existing) - {n.id for n in notes})
        if report.removed:
            self.collection.delete(where={"note_id": {"$in": report.removed}})
        report.seconds = time.perf_counter() - started
        return report

    def ensure_built(self) -> None:
        """Build once if the collection has no shipped notes yet (cheap when it has)."""
        if not self.collection.get(where={"kind": "note"}, limit=1)["ids"]:
            self.build()

    def query(self, q: str, k: int = 3, mistake: str | None = None, tags: list[str] | None = None) -> list[Hit]:
        """The k best notes for a question, best first; `mistake`/`tags` must all be present on a note."""
        if k < 1 or not q.strip():
            return []
        count = self.collection.count()
        if count == 0:
            return []
        wanted = [mistake] if mistake else []
        wanted += list(tags or [])
        clauses = [{tag_key(t): True} for t in wanted]
        where = clauses[0] if len(clauses) == 1 else ({"$and": clauses} if clauses else None)
        result = self.collection.query(
            query_embeddings=self._embed([q]), n_results=min(count, k * 4), where=where,
            include=["documents", "metadatas", "distances"],
        )
        return self._best_per_note(result, k)

    @staticmethod
    def _best_per_note(result: dict, k: int) -> list[Hit]:
        """Collapse chunks to their best-scoring note."""
        hits: dict[str, Hit] = {}
        for doc, meta, dist in zip(result["documents"][0], result["metadatas"][0], result["distances"][0],
                                   strict=True):
            note_id = meta["note_id"]
            if note_id in hits:
                continue
            tags = [t for t in str(meta.get("tags", "")).split(",") if t]
            hits[note_id] = Hit(note_id=note_id, title=meta["title"], source=meta["source"], tags=tags,
                                text=doc, score=round(1.0 - float(dist), 4))
        return list(hits.values())[:k]

    def status(self) -> dict[str, Any]:
        """What `trainer doctor` shows about the index; never raises."""
        from trainer.coaching.embeddings import describe  # imports chromadb (~2 s): on first use

        info: dict[str, Any] = {"collection": self.collection_name, "notes_dir": str(self.notes_dir),
                                "backend": "http" if self.settings.chroma_url else "persistent",
                                "embedding": describe()}
        try:
            got = self.collection.get(include=["metadatas"])
        except Exception as exc:  # noqa: BLE001 - status reports problems, it does not raise them
            return {**info, "ok": False, "error": str(exc)}
        metas = got["metadatas"] or []
        info.update(ok=True, location=self._location, chunks=len(metas),
                    notes=len({m["note_id"] for m in metas if m.get("kind") == "note"}),
                    ingested=len({m["note_id"] for m in metas if m.get("kind") == "ingested"}))
        return info

    # --- instructor material ----------------------------------------------------------------------------

    def ingest(self, paths: list[Path | str]) -> IngestReport:
        """Add instructor files (.md/.txt/.pdf; directories recurse); bad files fail alone, the rest go in."""
        report = IngestReport()
        for path in _expand(paths, report):
            try:
                note = read_document(path)
            except DocumentError as exc:
                report.failed.append((str(path), str(exc)))
                continue
            digest = f"{note.content_hash}:{self.budget}"
            if self._hashes_for(note.id) == digest:
                report.skipped.append((str(path), "unchanged"))
                continue
            self._write([(note, digest)])
            report.added.append(str(path))
        return report

    def _hashes_for(self, note_id: str) -> str | None:
        """The stored content hash of one document, if indexed."""
        got = self.collection.get(where={"note_id": note_id}, limit=1, include=["metadatas"])
        metas = got["metadatas"] or []
        return metas[0].get("content_hash") if metas else None


class DocumentError(ValueError):
    """A file can't be ingested (unreadable, too big, no text); the message says which."""


def _expand(paths: list[Path | str], report: IngestReport) -> list[Path]:
    """Files to ingest; missing paths fail and unsupported types are skipped, both reported."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in INGEST_EXTENSIONS))
        elif not path.exists():
            report.failed.append((str(path), "no such file"))
        elif path.suffix.lower() not in INGEST_EXTENSIONS:
            report.skipped.append((str(path), f"unsupported type {path.suffix or '(none)'}; use .md, .txt or .pdf"))
        else:
            files.append(path)
    return files


def _pdf_text(path: Path) -> str:
    """Text of a PDF via pypdf; encrypted, corrupt or page-heavy files raise DocumentError."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise DocumentError("encrypted PDF")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise DocumentError(f"{len(reader.pages)} pages (limit {MAX_PDF_PAGES})")
        return "\n\n".join((page.extract_text() or "").strip() for page in reader.pages)
    except DocumentError:
        raise
    except (PdfReadError, OSError, ValueError, KeyError, TypeError) as exc:
        raise DocumentError(f"unreadable PDF: {exc}") from None


def _plain_text(path: Path) -> str:
    """UTF-8 text; binary content masquerading as text fails."""
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise DocumentError("binary content, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def read_document(path: Path) -> Note:
    """An instructor file as an `ingested` note; its own front matter (title, tags) is honoured if valid."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DocumentError(f"cannot read: {exc.strerror or exc}") from None
    if size > MAX_FILE_BYTES:
        raise DocumentError(f"too large ({size // (1024 * 1024)} MB; limit {MAX_FILE_BYTES // (1024 * 1024)} MB)")
    try:
        text = _pdf_text(path) if path.suffix.lower() == ".pdf" else _plain_text(path)
    except OSError as exc:
        raise DocumentError(f"cannot read: {exc.strerror or exc}") from None
    if len(text) > MAX_TEXT_CHARS:
        raise DocumentError(f"too much text ({len(text):,} characters; limit {MAX_TEXT_CHARS:,})")
    meta, body = _front_matter_or_none(text)
    if not body.strip():
        raise DocumentError("no extractable text (a scanned PDF?)")
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:8]
    slug = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "document"
    tags = [t for t in meta.get("tags", []) if isinstance(t, str) and t in KNOWN_TAGS]
    title = meta.get("title") if isinstance(meta.get("title"), str) else _guess_title(body, path)
    return Note(id=f"doc-{slug}-{digest}", title=title, source=str(meta.get("source") or path.name), tags=tags,
                body=body.strip(), path=str(path), kind="ingested")


def _front_matter_or_none(text: str) -> tuple[dict, str]:
    """Front matter when it parses, else the whole text as body."""
    try:
        return split_front_matter(text)
    except Exception:  # noqa: BLE001 - instructor files may have odd headers; keep the text
        return {}, text


def _guess_title(body: str, path: Path) -> str:
    """First Markdown heading, else the file name."""
    heading = re.search(r"^#{1,6}\s+(.+)$", body, flags=re.M)
    return heading.group(1).strip() if heading else path.stem.replace("_", " ").replace("-", " ")


def status(settings: PathSettings | None = None) -> dict[str, Any]:
    """Module-level status for `trainer doctor`: the default index, never raising."""
    try:
        return KnowledgeIndex(settings).status()
    except Exception as exc:  # noqa: BLE001 - doctor reports, it does not crash
        return {"ok": False, "error": str(exc).splitlines()[0] if str(exc) else type(exc).__name__}
