"""A small in-memory Hugging Face Hub on 127.0.0.1, for end-to-end publish tests.

It speaks just the endpoints huggingface_hub 2.x calls to publish a dataset (create repo,
repo info, tree listing, create branch, validate-yaml, preupload, the LFS batch API with
the "basic" transfer, the LFS PUT/verify, and the ndjson commit) with the responses the
client needs, keeps repositories as {branch: {path: bytes}}, and records every request
(method, path, headers, body) so tests can assert what was sent, what was committed, and
that a token never leaves the Authorization header.  Only the loopback interface is used.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

LFS_SUFFIXES = (".parquet", ".png")
TEST_TOKEN = "hf_pairgenTestSecret0123456789"
TEST_REPO = "me/pairs"


def git_blob_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes


@dataclass
class Commit:
    repo_id: str
    revision: str
    oid: str
    summary: str
    added: list[str]
    deleted: list[str]
    lfs: list[str]
    pr: int | None = None


@dataclass
class Repo:
    private: bool
    branches: dict[str, dict[str, bytes]] = field(default_factory=dict)
    lfs_paths: set[str] = field(default_factory=set)
    heads: dict[str, str] = field(default_factory=dict)
    prs: int = 0


@dataclass
class FakeHub:
    """The server's state; ``url`` is the endpoint to give huggingface_hub."""

    token: str
    repos: dict[str, Repo] = field(default_factory=dict)
    lfs: dict[str, bytes] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    commits: list[Commit] = field(default_factory=list)
    yaml_errors: list[str] = field(default_factory=list)
    # answer every request with HTTP 400 quoting the request's headers back (as some
    # proxies and misconfigured servers do): the token must still never be printed
    echo: bool = False
    url: str = ""
    _server: ThreadingHTTPServer | None = None

    def __enter__(self) -> FakeHub:
        hub = self

        class Handler(_Handler):
            state = hub

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        host, port = self._server.server_address[:2]
        self.url = f"http://{host!s}:{port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    def writes(self) -> list[Recorded]:
        """Requests that change state (everything but GETs and read-only POSTs)."""
        readonly = ("/paths-info/", "/api/validate-yaml")
        return [
            r for r in self.requests if r.method != "GET" and not any(k in r.path for k in readonly)
        ]

    def files(self, repo_id: str, revision: str = "main") -> dict[str, bytes]:
        return dict(self.repos[repo_id].branches[revision])


class _Handler(BaseHTTPRequestHandler):
    state: FakeHub
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # silence stderr
        return

    # -- plumbing --------------------------------------------------------------------
    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _send(
        self, status: int, payload: Any = None, headers: dict[str, str] | None = None
    ) -> None:
        data = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, code: str, message: str) -> None:
        self._send(status, {"error": message}, {"X-Error-Code": code, "X-Error-Message": message})

    def _authorized(self) -> bool:
        return self.headers.get("Authorization") == f"Bearer {self.state.token}"

    def _handle(self) -> None:
        parts = urlsplit(self.path)
        body = self._body()
        self.state.requests.append(
            Recorded(
                self.command,
                parts.path,
                parse_qs(parts.query),
                {k.lower(): v for k, v in self.headers.items()},
                body,
            )
        )
        if self.state.echo:
            headers = {k.lower(): v for k, v in self.headers.items()}
            self._error(400, "BadRequest", f"bad request {self.command} {parts.path}: {headers}")
            return
        route = _route(self.command, parts.path)
        if route is None:
            self._error(404, "NotFound", f"no route for {self.command} {parts.path}")
            return
        name, args = route
        getattr(self, f"_{name}")(*args, body=body, query=parse_qs(parts.query))

    do_GET = do_POST = do_PUT = do_HEAD = _handle

    # -- endpoints -------------------------------------------------------------------
    def _repo(self, repo_id: str) -> Repo | None:
        repo = self.state.repos.get(repo_id)
        if repo is None or (repo.private and not self._authorized()):
            self._error(404, "RepoNotFound", "Repository not found")
            return None
        return repo

    def _create(self, *, body: bytes, query: Any) -> None:
        if not self._authorized():
            self._error(401, "Unauthorized", "Invalid credentials in Authorization header")
            return
        payload = json.loads(body)
        repo_id = f"{payload['organization']}/{payload['name']}"
        if repo_id in self.state.repos:
            self._error(409, "Conflict", "You already created this dataset repo")
            return
        repo = Repo(private=payload.get("visibility") == "private")
        repo.branches["main"] = {
            ".gitattributes": b"*.parquet filter=lfs diff=lfs merge=lfs -text\n"
        }
        repo.heads["main"] = hashlib.sha1(repo_id.encode()).hexdigest()
        self.state.repos[repo_id] = repo
        self._send(200, {"url": f"{self.state.url}/datasets/{repo_id}"})

    def _info(self, repo_id: str, revision: str, *, body: bytes, query: Any) -> None:
        repo = self._repo(repo_id)
        if repo is None:
            return
        if revision not in repo.branches:
            self._error(404, "RevisionNotFound", "Invalid rev id")
            return
        siblings = [{"rfilename": path} for path in sorted(repo.branches[revision])]
        self._send(
            200,
            {
                "id": repo_id,
                "sha": repo.heads[revision],
                "private": repo.private,
                "siblings": siblings,
            },
        )

    def _tree(self, repo_id: str, revision: str, *, body: bytes, query: Any) -> None:
        repo = self._repo(repo_id)
        if repo is None:
            return
        revision = next((b for b, head in repo.heads.items() if head == revision), revision)
        if revision not in repo.branches:
            self._error(404, "RevisionNotFound", "Invalid rev id")
            return
        entries = []
        for path, data in sorted(repo.branches[revision].items()):
            entry: dict[str, Any] = {
                "type": "file",
                "path": path,
                "size": len(data),
                "oid": git_blob_sha1(data),
            }
            if path in repo.lfs_paths:
                sha = hashlib.sha256(data).hexdigest()
                entry["lfs"] = {"oid": sha, "size": len(data), "pointerSize": 130}
            entries.append(entry)
        self._send(200, entries)

    def _branch(self, repo_id: str, branch: str, *, body: bytes, query: Any) -> None:
        repo = self._repo(repo_id)
        if repo is None:
            return
        if not self._authorized():
            self._error(401, "Unauthorized", "Invalid credentials in Authorization header")
            return
        if branch in repo.branches:
            self._error(409, "Conflict", "Reference already exists")
            return
        repo.branches[branch] = dict(repo.branches["main"])
        repo.heads[branch] = repo.heads["main"]
        self._send(200, {})

    def _validate_yaml(self, *, body: bytes, query: Any) -> None:
        if self.state.yaml_errors:
            self._send(400, {"errors": [{"message": m} for m in self.state.yaml_errors]})
            return
        self._send(200, {"errors": [], "warnings": []})

    def _preupload(self, repo_id: str, revision: str, *, body: bytes, query: Any) -> None:
        repo = self._repo(repo_id)
        if repo is None:
            return
        current = repo.branches.get(revision, {})
        files = []
        for item in json.loads(body)["files"]:
            path = item["path"]
            mode = "lfs" if path.endswith(LFS_SUFFIXES) else "regular"
            oid = None
            if path in current:
                data = current[path]
                oid = hashlib.sha256(data).hexdigest() if mode == "lfs" else git_blob_sha1(data)
            files.append({"path": path, "uploadMode": mode, "shouldIgnore": False, "oid": oid})
        self._send(200, {"files": files})

    def _lfs_batch(self, repo_id: str, *, body: bytes, query: Any) -> None:
        if not self._authorized():
            self._error(401, "Unauthorized", "Invalid credentials in Authorization header")
            return
        objects = []
        for obj in json.loads(body)["objects"]:
            item: dict[str, Any] = {"oid": obj["oid"], "size": obj["size"]}
            if obj["oid"] not in self.state.lfs:
                item["actions"] = {
                    "upload": {"href": f"{self.state.url}/lfs-upload/{obj['oid']}"},
                    "verify": {"href": f"{self.state.url}/lfs-verify"},
                }
            objects.append(item)
        self._send(200, {"transfer": "basic", "objects": objects})

    def _lfs_upload(self, oid: str, *, body: bytes, query: Any) -> None:
        if hashlib.sha256(body).hexdigest() != oid:
            self._error(400, "BadRequest", "sha256 mismatch")
            return
        self.state.lfs[oid] = body
        self._send(200, {})

    def _lfs_verify(self, *, body: bytes, query: Any) -> None:
        oid = json.loads(body)["oid"]
        if oid in self.state.lfs:
            self._send(200, {})
        else:
            self._error(404, "NotFound", "object not uploaded")

    def _commit(self, repo_id: str, revision: str, *, body: bytes, query: Any) -> None:
        repo = self._repo(repo_id)
        if repo is None:
            return
        if not self._authorized():
            self._error(401, "Unauthorized", "Invalid credentials in Authorization header")
            return
        if revision not in repo.branches:
            self._error(404, "RevisionNotFound", "Invalid rev id")
            return
        lines = [json.loads(line) for line in body.splitlines() if line.strip()]
        parent = lines[0]["value"].get("parentCommit")
        if parent is not None and parent != repo.heads[revision]:
            self._error(412, "PreconditionFailed", "A commit has happened since parentCommit")
            return
        files = dict(repo.branches[revision])
        added, deleted, lfs = [], [], []
        for line in lines[1:]:
            value = line["value"]
            if line["key"] == "file":
                files[value["path"]] = base64.b64decode(value["content"])
                repo.lfs_paths.discard(value["path"])
                added.append(value["path"])
            elif line["key"] == "lfsFile":
                if value["oid"] not in self.state.lfs:
                    self._error(
                        422, "Unprocessable", f"LFS object {value['oid']} was never uploaded"
                    )
                    return
                files[value["path"]] = self.state.lfs[value["oid"]]
                repo.lfs_paths.add(value["path"])
                added.append(value["path"])
                lfs.append(value["path"])
            elif line["key"] in ("deletedFile", "deletedFolder"):
                files.pop(value["path"], None)
                deleted.append(value["path"])
        oid = hashlib.sha1(body).hexdigest()
        pr = None
        target = revision
        if query.get("create_pr") == ["1"]:
            repo.prs += 1
            pr = repo.prs
            target = f"refs/pr/{pr}"
        repo.branches[target] = files
        repo.heads[target] = oid
        summary = lines[0]["value"]["summary"]
        self.state.commits.append(Commit(repo_id, target, oid, summary, added, deleted, lfs, pr))
        pr_url = f"{self.state.url}/datasets/{repo_id}/discussions/{pr}" if pr else None
        self._send(
            200,
            {
                "commitUrl": f"{self.state.url}/datasets/{repo_id}/commit/{oid}",
                "commitOid": oid,
                "pullRequestUrl": pr_url,
            },
        )


def _route(method: str, path: str) -> tuple[str, tuple[str, ...]] | None:
    """Map a request to a handler name and its arguments (repo id, unquoted revision...)."""
    if method == "POST" and path == "/api/repos/create":
        return "create", ()
    if method == "POST" and path == "/api/validate-yaml":
        return "validate_yaml", ()
    if method == "PUT" and path.startswith("/lfs-upload/"):
        return "lfs_upload", (path.rsplit("/", 1)[1],)
    if method == "POST" and path == "/lfs-verify":
        return "lfs_verify", ()
    if (
        method == "POST"
        and path.startswith("/datasets/")
        and path.endswith(".git/info/lfs/objects/batch")
    ):
        return "lfs_batch", (path[len("/datasets/") : -len(".git/info/lfs/objects/batch")],)
    if not path.startswith("/api/datasets/"):
        return None
    parts = path[len("/api/datasets/") :].split("/")
    repo_id = "/".join(parts[:2])
    rest = parts[2:]
    if method == "GET" and not rest:
        return "info", (repo_id, "main")
    if method == "GET" and len(rest) == 2 and rest[0] == "revision":
        return "info", (repo_id, unquote(rest[1]))
    if method == "GET" and len(rest) >= 2 and rest[0] == "tree":
        return "tree", (repo_id, unquote(rest[1]))
    if method == "POST" and len(rest) == 2 and rest[0] in ("preupload", "commit", "branch"):
        return rest[0], (repo_id, unquote(rest[1]))
    return None
