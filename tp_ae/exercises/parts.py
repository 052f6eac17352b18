"""What each part of the TP is made of: its reference modules, its template, its notebook cells.

The notebook of a part is: a title cell, the settings cell (epochs, output folder), the imports,
the given code (from the template), the data, then each handout question of the part in order
(its text, and for a coded question its function) followed by the ``run_cells`` that train and
draw once that question is answered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tp_ae.questions import in_part

REFERENCE_PACKAGE = "tp_ae"  # question references name modules of this package


@dataclass(frozen=True)
class PartSpec:
    """One part: file stem, handout part number, template, notebook cells; its reference modules
    come from the question table (``tp_ae/questions.py``)."""

    number: int  # the "## Part N" of the handout
    stem: str  # exercises/<stem>.py, exercises/<stem>.ipynb, solutions/<stem>.py, ...
    title: str
    template: str  # file under tp_ae/exercises/templates/
    default_out: str  # where the figures go, relative to where the file runs
    # question id -> code cells run right after that question's function cell (for a written
    # question: between its text and its answer cell)
    run_cells: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def references(self) -> tuple[str, ...]:
        """Files of the tp_ae package holding this part's reference answers, in the order of
        the part's code questions: ``question(qid).reference`` ("tp_ae.losses" -> "losses.py")."""
        modules = dict.fromkeys(q.reference for q in in_part(self.stem, "code") if q.reference)
        return tuple(reference_file(module) for module in modules)


def reference_file(module: str) -> str:
    """The file of a reference module, relative to the package folder: tp_ae.vae -> vae.py."""
    package, _, rest = module.partition(".")
    if package != REFERENCE_PACKAGE or not rest:
        raise ValueError(f"reference module {module!r} is not a module of {REFERENCE_PACKAGE}")
    return rest.replace(".", "/") + ".py"


DATA_CELL = """\
data = load_mnist(settings.data)  # see tp_ae.data: full MNIST, or 5,000 digits offline
(x_train, y_train), (x_test, y_test) = data
print(f"train {x_train.shape}, test {x_test.shape}, pixels in [{x_train.min()}, {x_train.max()}]")
"""

PART1 = PartSpec(
    number=1,
    stem="part1_autoencoders",
    title="Part 1: autoencoders",
    template="part1_autoencoders.py",
    default_out="figures/part1",
    run_cells={
        "build_mlp_autoencoder": (
            'mlp = train_autoencoder("mlp", build_mlp_autoencoder, x_train, x_test, settings)\n'
            "show(*save_autoencoder_figures(mlp, x_test, settings))\n",
        ),
        "build_conv_autoencoder": (
            'conv = train_autoencoder("conv", build_conv_autoencoder, x_train, x_test, settings)\n'
            "show(*save_autoencoder_figures(conv, x_test, settings))\n",
            "print(loss_table([mlp, conv]))\n",
        ),
        "add_noise": (
            "denoising = train_autoencoder(\n"
            '    "denoising_conv", build_conv_autoencoder, x_train, x_test, settings, '
            "noise=add_noise\n"
            ")\n"
            "show(save_denoising_figure(denoising, x_test, add_noise, settings))\n"
            "print(denoising_report(denoising, x_test, add_noise))\n",
        ),
    },
)

PART2 = PartSpec(
    number=2,
    stem="part2_vae",
    title="Part 2: variational autoencoder",
    template="part2_vae.py",
    default_out="figures/part2",
    run_cells={
        "build_vae": (
            'vae = train_vae("vae", build_vae, x_train, x_test, settings)\n'
            "show(*save_vae_figures(vae, x_test, y_test, settings))\n"
            "print(elbo_report(vae, x_test))\n",
        ),
        "sample_images": ("show(*save_generation_figures(vae, x_test, y_test, settings))\n",),
        "build_conv_vae": ('conv_vae = run_bonus("conv_vae", build_conv_vae, data, settings)\n',),
        "written_2_10": ("show(*latent_2d(data, settings))\n",),
        "written_2_11": (
            "report, figure = beta_sweep(data, settings)\nprint(report)\nshow(figure)\n",
        ),
    },
)

PARTS: tuple[PartSpec, ...] = (PART1, PART2)
