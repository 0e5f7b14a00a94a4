"""Asset bundling on this machine, without Docker (CDK's local bundling hook)."""

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".build" / "layers"
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache")
# No bytecode in the layer: pip would compile it for this machine's Python, which the Lambda runtime (another version)
# ignores: 9 of the layer's 53 MB, downloaded and unpacked with every new execution environment for nothing.
PIP_OPTIONS = ("--only-binary=:all:", "--no-warn-conflicts", "--no-compile")


@jsii.implements(ILocalBundling)
class _Copy:
    """Copies source trees to paths inside the asset."""

    def __init__(self, copies: dict[str, Path]) -> None:
        self._copies = copies

    def try_bundle(self, output_dir: str, *_: object, **__: object) -> bool:
        for target, source in self._copies.items():
            destination = Path(output_dir) / target
            if source.is_dir():
                shutil.copytree(source, destination, ignore=IGNORED, dirs_exist_ok=True)
            else:
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, destination)
        return True


@jsii.implements(ILocalBundling)
class _PipForLambda:
    """pip-installs a requirements file as manylinux wheels for the Lambda architecture, cached by hash."""

    def __init__(self, requirements: Path, python_version: str, platforms: tuple[str, ...]) -> None:
        self._requirements = requirements
        self._python_version = python_version
        self._platforms = platforms
        built = f"{python_version}/{','.join(platforms)}/{' '.join(PIP_OPTIONS)}".encode()
        self.key = hashlib.sha256(requirements.read_bytes() + built).hexdigest()[:16]

    def try_bundle(self, output_dir: str, *_: object, **__: object) -> bool:
        cached = CACHE / f"deps-{self.key}"
        if not cached.exists():
            staging = cached.with_suffix(".partial")
            shutil.rmtree(staging, ignore_errors=True)
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    "--requirement",
                    str(self._requirements),
                    "--target",
                    str(staging / "python"),
                    *(option for platform in self._platforms for option in ("--platform", platform)),
                    "--implementation",
                    "cp",
                    "--python-version",
                    self._python_version,
                    *PIP_OPTIONS,
                ],
                check=True,
            )
            staging.rename(cached)
        shutil.copytree(cached, output_dir, dirs_exist_ok=True)
        return True


def _options(local: ILocalBundling) -> BundlingOptions:
    # The image is only a fallback; local bundling always succeeds here, so Docker is never used.
    return BundlingOptions(image=DockerImage.from_registry("unused-local-bundling"), local=local)


def function_code(name: str) -> lambda_.Code:
    """functions/<name> packaged as the importable package `functions.<name>`."""
    source = ROOT / "functions" / name
    copies = {"functions/__init__.py": ROOT / "functions" / "__init__.py", f"functions/{name}": source}
    return lambda_.Code.from_asset(str(source), bundling=_options(_Copy(copies)))


def domain_layer_code() -> lambda_.Code:
    source = ROOT / "layers" / "domain" / "hotline"
    return lambda_.Code.from_asset(str(source), bundling=_options(_Copy({"python/hotline": source})))


def deps_layer_code(runtime: lambda_.Runtime, architecture: lambda_.Architecture) -> lambda_.Code:
    requirements = ROOT / "layers" / "deps" / "requirements.txt"
    # glibc 2.17 wheels, or 2.28 ones (rapidfuzz publishes only these): the Python 3.12+ runtimes run on Amazon Linux
    # 2023 (glibc 2.34).
    machine = "aarch64" if architecture.name == "arm64" else "x86_64"
    platforms = (f"manylinux2014_{machine}", f"manylinux_2_28_{machine}")
    pip = _PipForLambda(requirements, runtime.name.removeprefix("python"), platforms)
    # The hash names what is installed, so a new runtime or architecture rebuilds the layer.
    return lambda_.Code.from_asset(
        str(requirements.parent), bundling=_options(pip), asset_hash_type=AssetHashType.CUSTOM, asset_hash=pip.key
    )
