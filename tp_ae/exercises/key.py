"""The answer key, ``solutions/answers.md``: its text from ``templates/answers.md``, its numbers
from the recorded run ``solutions/recorded.json`` (``python -m tp_ae.exercises.record``).

In the template, ``{{ part1/mlp/val_loss }}`` is the value at that path of the JSON file (keys
separated by ``/``, list items by their index) and ``{{ part2/vae/kl:.1f }}`` formats it;
``{{ derived/... }}`` are numbers computed here from the recorded ones (sums, ratios), so that
the key does no arithmetic by hand. A path the data lacks is an error, so the key cannot quote a
number the run did not record. The file's layout is :data:`SCHEMA`, checked on reading (and by
the recording command before it writes); :data:`CLAIMS` are what the key's prose says of the
numbers, checked too, so that a new run that contradicts the text stops the generator instead
of rendering a key that argues against its own tables.
"""

from __future__ import annotations

import json
import math
import re
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

from tp_ae.errors import TpAeError

KEY_FILE = "solutions/answers.md"
RECORD_FILE = "solutions/recorded.json"
RECORD_COMMAND = "python -m tp_ae.exercises.record"
TEMPLATE = Path(__file__).resolve().parent / "templates" / "answers.md"
TEMPLATE_DISPLAY = "tp_ae/exercises/templates/answers.md"
Z_DIM = 10  # the handout's d: the code size of the Part 2 runs
WIDTH = 100  # the key's paragraphs are re-wrapped to this many characters once filled in
_LIST_ITEM = re.compile(r"^([*+-] |\d+\. )")
# what a re-wrapped line must not start with (or be): a heading, table, comment, quote, list
# item, fence, or a setext underline
_BLOCK_START = re.compile(r"^(#|\||<!--|>|[*+-] |\d+\. |```|=+$|-+$)")
_FIELD = re.compile(r"\{\{\s*([A-Za-z0-9_./-]+)\s*(?::([^}]*))?\}\}")

# --- the recorded file's layout ------------------------------------------------------------------
# Leaves: NUMBER (int or float), COUNT (int), TEXT (str), NUMBERS (list of numbers).
NUMBER, COUNT, TEXT, NUMBERS = "number", "count", "text", "numbers"
_AUTOENCODER = {  # one autoencoder of Part 1; losses in nats per pixel (Keras's BCE)
    "loss": NUMBER,  # last epoch's training loss
    "val_loss": NUMBER,  # last epoch's test loss
    "gap": NUMBER,  # val_loss - loss
    "encoder_params": COUNT,
    "decoder_params": COUNT,
}
_VAE = {  # one VAE of Part 2 on the test digits; nats per image
    "elbo": NUMBER,  # negative ELBO = reconstruction + kl (z sampled)
    "reconstruction": NUMBER,  # -log p(x | z), z sampled from q(z | x)
    "kl": NUMBER,
    "reconstruction_from_mean": NUMBER,  # -log p(x | z) decoded from z = z_mean
    "keras_mean": NUMBER,  # Keras's binary cross-entropy, mean per pixel
    "active": COUNT,  # latent dimensions whose z_mean varies (var > 0.01) over the test set
    "epochs": COUNT,
}
_CODE_2D = {**_VAE, "code_std": NUMBERS, "code_mean": NUMBERS, "posterior_std": NUMBER}
SCHEMA: dict = {
    "command": TEXT,
    "data": TEXT,
    "seed": COUNT,
    "facts": {  # NumPy, from the images alone
        "grey_percent": NUMBER,  # test pixels strictly between 0.1 and 0.9, %
        "entropy_per_pixel": NUMBER,  # the test pixels' Bernoulli entropy, nats
        "entropy_per_image": NUMBER,
        "mean_image_loss": NUMBER,  # BCE summed over pixels of the mean training image, nats
    },
    "part1": {
        "epochs": COUNT,
        "batch_size": COUNT,
        "mlp": _AUTOENCODER,
        "conv": _AUTOENCODER,
        "denoising_conv": _AUTOENCODER,
        "mse": {"noisy": NUMBER, "denoised": NUMBER, "clean": NUMBER},  # to the clean digits
    },
    "part2": {
        "vae": _VAE,
        "conv_vae": _VAE,
        "pixel_mean": _VAE,  # question 2.5: the per-pixel mean as reconstruction term
        "z2": {"beta0": _CODE_2D, "beta1": _CODE_2D},  # question 2.10
        "beta": {"0.1": _VAE, "1": _VAE, "4": _VAE},  # question 2.11
    },
    "machine": {"python": TEXT, "keras": TEXT, "seconds": COUNT},
}


def check_record(record: object, schema: object = SCHEMA, path: str = "") -> None:
    """TpAeError naming the first place where ``record`` does not have ``schema``'s layout:
    a missing or unexpected key, or a value of the wrong kind."""
    where = path or "the top level"
    if isinstance(schema, dict):
        if not isinstance(record, dict):
            _bad(f"{where}: expected a table of {', '.join(schema)}, got {_kind(record)}")
        for key in schema:
            if key not in record:
                _bad(f"{where}: missing {path + key!r}")
            check_record(record[key], schema[key], f"{path}{key}/")
        for key in record:
            if key not in schema:
                _bad(f"{where}: unexpected key {path + key!r} (not in the SCHEMA of {__name__})")
        return
    where = path.rstrip("/")
    numbers = record if schema == NUMBERS and isinstance(record, list) else [record]
    ok = {
        NUMBER: _is_number,
        NUMBERS: _is_number,
        COUNT: lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
        TEXT: lambda v: isinstance(v, str),
    }[schema]
    if (schema == NUMBERS and not isinstance(record, list)) or not all(map(ok, numbers)):
        wanted = {NUMBER: "a number", COUNT: "a count", TEXT: "text", NUMBERS: "a list of numbers"}
        _bad(f"{where}: expected {wanted[schema]}, got {record!r}")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _kind(value: object) -> str:
    return {dict: "a table", list: "a list", str: "text"}.get(type(value), repr(value))


def _bad(message: str) -> None:
    raise TpAeError(f"{RECORD_FILE}: {message}; rerun `{RECORD_COMMAND}`, or fix the SCHEMA")


def read_record(root: Path) -> dict:
    """The recorded run's numbers, checked against :data:`SCHEMA`; TpAeError saying how to make
    them when missing or broken."""
    path = root / RECORD_FILE
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except OSError:
        raise TpAeError(
            f"{RECORD_FILE}: missing; the answer key takes its numbers from it: run "
            f"`{RECORD_COMMAND}`, then `tp-ae make-exercises`"
        ) from None
    except ValueError as err:
        raise TpAeError(f"{RECORD_FILE}: not JSON ({err}); rerun `{RECORD_COMMAND}`") from None
    check_record(record)
    return record


# --- numbers computed from the recorded ones -----------------------------------------------------


def get(record: Mapping, path: str) -> object:
    """The value at ``path`` ("part1/mlp/loss", list items by index); KeyError if absent."""
    found: object = record
    for part in path.split("/"):
        if isinstance(found, dict) and part in found:
            found = found[part]
        elif isinstance(found, list) and part.isdigit() and int(part) < len(found):
            found = found[int(part)]
        else:
            raise KeyError(path)
    return found


def derived(record: Mapping) -> dict:
    """Sums, differences and ratios of recorded numbers that the key quotes (same units)."""
    p1, p2, facts = record["part1"], record["part2"], record["facts"]
    mlp, conv = p1["mlp"], p1["conv"]
    params = {m: p1[m]["encoder_params"] + p1[m]["decoder_params"] for m in ("mlp", "conv")}
    floor = facts["entropy_per_pixel"]
    excess = {m: p1[m]["val_loss"] - floor for m in ("mlp", "conv")}
    z0, z1 = p2["z2"]["beta0"], p2["z2"]["beta1"]
    return {
        "part1": {
            "mlp_params": params["mlp"],
            "conv_params": params["conv"],
            "params_ratio": params["mlp"] / params["conv"],  # how many times fewer for conv
            "val_loss_difference": mlp["val_loss"] - conv["val_loss"],  # nats per pixel
            "mlp_excess": excess["mlp"],  # test loss above the entropy floor, nats per pixel
            "conv_excess": excess["conv"],
            "excess_cut_percent": 100 * (1 - excess["conv"] / excess["mlp"]),
            "denoised_over_noisy": p1["mse"]["denoised"] / p1["mse"]["noisy"],  # MSE ratio
        },
        "part2": {
            "keras_times_784": 784 * p2["vae"]["keras_mean"],  # nats per image
            "floor_percent": 100 * facts["entropy_per_image"] / p2["vae"]["reconstruction"],
            "z2_reconstruction_cost": z1["reconstruction"] - z0["reconstruction"],  # nats/image
            "z2_kl_ratio": z0["kl"] / z1["kl"],
        },
    }


# --- what the key's text says of the numbers -----------------------------------------------------


def _by_beta(record: Mapping, term: str) -> list[float]:
    sweep = record["part2"]["beta"]
    return [sweep[b][term] for b in sorted(sweep, key=float)]


CLAIMS: tuple[tuple[str, Callable[[Mapping], bool]], ...] = (
    ("the run is on the offline digits, 4,000 for training", lambda r: r["data"] == "offline"),
    (
        "1.3: the convolutional autoencoder reaches the lower test loss, with fewer parameters",
        lambda r: (
            r["part1"]["conv"]["val_loss"] < r["part1"]["mlp"]["val_loss"]
            and r["derived"]["part1"]["conv_params"] < r["derived"]["part1"]["mlp_params"]
        ),
    ),
    (
        "1.3: the convolutional autoencoder's gap between training and test loss is the smaller",
        lambda r: r["part1"]["conv"]["gap"] < r["part1"]["mlp"]["gap"],
    ),
    (
        "1.5: the denoised output is further from the clean digit than the noisy input, and "
        "about as far as the clean input's reconstruction",
        lambda r: (
            r["part1"]["mse"]["denoised"] > r["part1"]["mse"]["noisy"]
            and math.isclose(r["part1"]["mse"]["denoised"], r["part1"]["mse"]["clean"], rel_tol=0.1)
        ),
    ),
    (
        "2.5: with the per-pixel mean, the posterior collapses (no active dimension, KL about 0) "
        "and the reconstruction is the mean image's loss",
        lambda r: (
            r["part2"]["pixel_mean"]["active"] == 0
            and r["part2"]["pixel_mean"]["kl"] < 0.5
            and abs(
                r["part2"]["pixel_mean"]["reconstruction_from_mean"] - r["facts"]["mean_image_loss"]
            )
            < 1
        ),
    ),
    (
        "2.5: with the sum, every latent dimension is used",
        lambda r: r["part2"]["vae"]["active"] == Z_DIM,
    ),
    (
        "2.10: without the KL term the codes spread much wider than the prior, with it they "
        "are about the prior's size",
        lambda r: (
            min(r["part2"]["z2"]["beta0"]["code_std"]) > 2
            and all(0.5 < s < 2 for s in r["part2"]["z2"]["beta1"]["code_std"])
        ),
    ),
    (
        "2.10: the KL term costs the 2-D VAE little reconstruction (under 10 nats per image) for "
        "a KL several times smaller",
        lambda r: (
            r["derived"]["part2"]["z2_reconstruction_cost"] < 10
            and r["derived"]["part2"]["z2_kl_ratio"] > 3
        ),
    ),
    (
        "2.11: the reconstruction term rises and the KL falls as beta grows, and beta = 1 "
        "gives the best negative ELBO",
        lambda r: (
            _by_beta(r, "reconstruction") == sorted(_by_beta(r, "reconstruction"))
            and _by_beta(r, "kl") == sorted(_by_beta(r, "kl"), reverse=True)
            and r["part2"]["beta"]["1"]["elbo"] == min(_by_beta(r, "elbo"))
        ),
    ),
)


def check_claims(record: Mapping) -> None:
    """TpAeError naming the first claim of the key's text that the recorded numbers deny."""
    for statement, holds in CLAIMS:
        if not holds(record):
            raise TpAeError(
                f"{RECORD_FILE}: the answer key says '{statement}', which this run does not "
                f"show; rewrite {TEMPLATE_DISPLAY} for the new numbers"
            )


# --- rendering -----------------------------------------------------------------------------------


def render_key(template: str, record: dict, display: str = TEMPLATE_DISPLAY) -> str:
    """The template with every ``{{ path[:format] }}`` replaced by the recorded value; TpAeError
    for a path the record lacks, a value the format refuses, or a ``{{`` left unreplaced."""

    def line_of(match: re.Match) -> int:
        return template.count("\n", 0, match.start()) + 1

    def value(match: re.Match) -> str:
        path, spec = match.group(1), (match.group(2) or "").strip()
        try:
            found = get(record, path)
        except KeyError:
            raise TpAeError(
                f"{display}:{line_of(match)}: {RECORD_FILE} has no {path!r}; fix the path or "
                f"rerun `{RECORD_COMMAND}`"
            ) from None
        if spec:
            try:
                return format(found, spec)
            except (TypeError, ValueError):
                raise TpAeError(
                    f"{display}:{line_of(match)}: cannot format {found!r} as {spec!r}"
                ) from None
        if isinstance(found, int) and not isinstance(found, bool):
            return f"{found:,}"  # counts with thousands separators: 16,474
        return str(found)

    rendered = _FIELD.sub(value, template)
    for number, line in enumerate(rendered.splitlines(), 1):
        if "{{" in line or "}}" in line:
            raise TpAeError(
                f"{display}: a placeholder that is not '{{{{ path[:format] }}}}' is left in "
                f"the key ({line.strip()[:60]!r}, line {number} of {KEY_FILE})"
            )
    return reflow(rendered)


def reflow(markdown: str, width: int = WIDTH) -> str:
    """Re-wrap the paragraphs and list items of ``markdown`` to ``width`` columns (the numbers
    filled in are shorter than their placeholders); code fences, tables, headings and comments
    are kept as they are, and so is a paragraph whose re-wrapped lines would start a block."""
    out: list[str] = []
    paragraph: list[str] = []
    fenced = False

    def flush() -> None:
        if paragraph:
            out.extend(_rewrap(paragraph, width))
            paragraph.clear()

    for line in markdown.split("\n"):
        if line.lstrip().startswith("```"):
            flush()
            fenced = not fenced
            out.append(line)
        elif fenced or not line.strip() or re.match(r"^(#|\||<!--|>)", line):
            flush()
            out.append(line)
        else:
            if _LIST_ITEM.match(line):
                flush()
            paragraph.append(line)
    flush()
    return "\n".join(out)


def _rewrap(lines: list[str], width: int) -> list[str]:
    item = _LIST_ITEM.match(lines[0])
    first = item.group(1) if item else ""
    indent = " " * len(first)
    if any(line != lines[0] and not line.startswith(indent) for line in lines):
        return lines  # not one paragraph or one list item: left alone
    words = " ".join(line.strip() for line in lines)[len(first) :]
    wrapped = textwrap.wrap(
        words,
        width,
        initial_indent=first,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )
    if any(_BLOCK_START.match(line.strip()) for line in wrapped[1:]):
        return lines
    return wrapped


def generate_key(root: Path, template: Path = TEMPLATE) -> str:
    """``solutions/answers.md`` as it must be for the recorded run under ``root``."""
    try:
        text = template.read_text(encoding="utf-8")
    except OSError as err:
        raise TpAeError(
            f"{template}: cannot read the answer key's template ({err.strerror})"
        ) from None
    record = read_record(root)
    record = {**record, "derived": derived(record)}
    check_claims(record)
    return render_key(text, record)
