"""Plain facts about what a student's builder returned, shared by the release's self-check and
the grader's collectors (``grader.collect``), which run in the student's process or sandbox.

Nothing here computes an expected answer: it describes models (class, parameter count, each
layer's defining configuration, which layer feeds which, which layer draws z), builds them
while recording what came back, shifts the VAE heads' biases, and gives ``sample_images`` a
probe decoder. A recorder is a :class:`tp_ae.selfcheck.collect.Recording`:
``grader.probe.Probe`` or ``tp_ae.selfcheck.recorder.Recorder``. Keras is imported inside the
functions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from tp_ae.selfcheck.collect import Recording

CONFIG_KEYS = (
    "units",
    "filters",
    "kernel_size",
    "strides",
    "padding",
    "activation",
    "negative_slope",
    "target_shape",
)


def model_facts(model: object) -> dict:
    """Plain facts about something that should be a ``keras.Model``: its class, whether it is a
    Model, parameter count, and its layers flattened (nested models expanded)."""
    import keras

    facts = {"type": type(model).__name__, "is_model": isinstance(model, keras.Model)}
    if not facts["is_model"]:
        return facts
    try:
        facts["params"] = int(model.count_params())
    except ValueError:  # a subclassed model (the VAE) is not built before its first call
        facts["params"] = None
    facts["layers"] = [describe_layer(layer) for layer in flat_layers(model)]
    return facts


def flat_layers(model) -> list:
    """The model's layers in order, nested models replaced by their own, input layers left out."""
    import keras

    layers = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            layers.extend(flat_layers(layer))
        elif type(layer).__name__ != "InputLayer":
            layers.append(layer)
    return layers


def layer_graph(model, limit: int = 20) -> dict | None:
    """Which layer feeds which, over the flattened layers of :func:`model_facts` (nested models
    expanded), as plain indices; None for a model without a layer graph (a subclassed one).

    ``inbound[i]`` has one list per call of layer i inside the model: the indices of the layers
    whose outputs that call takes (-1: the model's input; None: not a layer of it).
    ``outputs``: the index of the layer giving each model output (-1: an input). ``unused``: the
    layers called, directly or not, on the model's tensors whose results are not part of the
    model (at most ``limit``), each :func:`describe_layer` plus its ``inbound`` (one list),
    numbered after the flattened layers: ``unused[k]`` is index ``len(layers) + k``."""
    import keras

    graph_model = getattr(model, "_functional", None) or model
    if not hasattr(graph_model, "_nodes_by_depth"):
        return None
    flat = flat_layers(model)
    index = {id(layer): i for i, layer in enumerate(flat)}
    own: dict[int, object] = {}  # the model's own nodes (nested models' included), by id
    extra: dict[int, int] = {}  # id of an unused layer -> its index (after the flat layers)

    def producer(tensor, feeds):
        """Index of the layer giving ``tensor`` (``feeds`` for the current model's input)."""
        history = getattr(tensor, "_keras_history", None)
        if history is None:
            return None
        op = history.operation
        if type(op).__name__ == "InputLayer":
            return feeds
        if isinstance(op, keras.Model):  # a nested model's output: the inner layer giving it
            return producer(op.outputs[history.tensor_index], feeds)
        if id(op) in index:
            return index[id(op)]
        return extra.get(id(op))

    inbound: list[list[list[int | None]]] = [[] for _ in flat]

    def walk(m, feeds) -> None:
        for depth in sorted(m._nodes_by_depth, reverse=True):
            for node in m._nodes_by_depth[depth]:
                own[id(node)] = node
                op = node.operation
                if type(op).__name__ == "InputLayer":
                    continue
                sources = [producer(t, feeds) for t in node.input_tensors]
                if isinstance(op, keras.Model):
                    walk(getattr(op, "_functional", None) or op, sources[0] if sources else None)
                elif id(op) in index:
                    inbound[index[id(op)]].append(sources)

    walk(graph_model, -1)
    outputs = [producer(t, -1) for t in model.outputs]
    unused: list[dict] = []
    frontier = list(own.values())
    while frontier and len(unused) < limit:
        node = frontier.pop(0)
        for out in node.operation._outbound_nodes:
            op = out.operation
            if id(out) in own or id(op) in index or id(op) in extra:
                continue
            extra[id(op)] = len(flat) + len(unused)
            if isinstance(op, keras.layers.Layer):
                described = describe_layer(op)
            else:
                described = {"class": type(op).__name__}
            described["inbound"] = [producer(t, -1) for t in out.input_tensors]
            unused.append(described)
            frontier.append(out)
    return {"inbound": inbound, "outputs": outputs, "unused": unused}


def sampler_index(encoder) -> int | None:
    """Index, in the encoder's flattened layers, of the layer that outputs z (its third
    output); None when it is not one of them (a nested model, a bare op)."""
    operation = encoder.outputs[2]._keras_history.operation
    for index, layer in enumerate(flat_layers(encoder)):
        if layer is operation:
            return index
    return None


def activation_name(value: dict) -> str:
    """A serialised ``activation=`` as a plain name, never a generated layer name:
    ``leaky_relu`` for a function, ``LeakyReLU(0.2)`` for a layer (with its slope)."""
    config = value.get("config")
    cls = value.get("class_name", "")
    if isinstance(config, str):  # a function, e.g. keras.activations.leaky_relu
        return config
    config = config if isinstance(config, dict) else {}
    if cls == "LeakyReLU":
        return f"LeakyReLU({float(config.get('negative_slope', 0.3)):g})"
    if cls == "Activation":
        return str(config.get("activation", "linear"))
    return {"ReLU": "relu"}.get(cls, cls or str(config.get("name")))


def describe_layer(layer) -> dict:
    """The class name and the configuration keys that define the handout's architectures."""
    try:
        config = layer.get_config()
    except Exception:  # noqa: BLE001 - a custom layer without get_config
        config = {}
    described = {"class": type(layer).__name__}
    for key in CONFIG_KEYS:
        if key in config:
            value = config[key]
            if isinstance(value, dict):  # a serialised activation: a layer or a function
                value = activation_name(value)
            if not isinstance(value, (int, float, str, list, tuple, type(None))):
                value = getattr(value, "__name__", type(value).__name__)
            described[key] = list(value) if isinstance(value, tuple) else value
    return described


def collect_models(rec: Recording, key: str, fn: Callable, kwargs: dict, names: tuple[str, ...]):
    """Build with ``kwargs``, record what came back (``<key>.build``, ``<key>.returned``),
    each model's facts (``<key>.<name>.facts``) and, for a model with a layer graph, its graph
    (``<key>.<name>.graph``, :func:`layer_graph`); the three models, or None."""
    ok, built = rec.call(f"{key}.build", fn, **kwargs)
    if not ok:
        return None
    ok, parts = rec.attempt(f"{key}.returned", lambda: tuple(built))
    rec.put(f"{key}.returned", {"type": type(built).__name__, "len": len(parts or ())})
    if not ok or len(parts) != 3:
        return None
    for name, model in zip(names, parts, strict=True):
        ok, facts = rec.attempt(f"{key}.{name}.facts", lambda m=model: model_facts(m))
        if ok:
            rec.put(f"{key}.{name}.facts", facts)
        if not (ok and facts.get("is_model")):
            continue
        # its own key: a failure (a Keras change, an odd model) loses the graph, not the facts
        ok, graph = rec.attempt(f"{key}.{name}.graph", lambda m=model: layer_graph(m))
        if ok and graph is not None:
            rec.put(f"{key}.{name}.graph", graph)
    return parts


def shift_head_biases(encoder, shifts: Iterable[tuple[int, float]]) -> list[bool]:
    """Add ``amount`` to the bias of the layer giving the encoder's output ``index``, for each
    ``(index, amount)``; whether each could be shifted (a head without a bias of its output's
    shape cannot)."""
    done = []
    for index, amount in shifts:
        layer = encoder.outputs[index]._keras_history.operation
        bias = getattr(layer, "bias", None)
        if bias is not None and tuple(bias.shape) == tuple(encoder.outputs[index].shape[1:]):
            bias.assign(bias + amount)
            done.append(True)
        else:
            done.append(False)
    return done


def probe_decoder(z_dim: int):
    """A keras.Model: z (N, z_dim) -> image (N, 28, 28, 1), pixels [0, z_dim) = sigmoid(z) and
    0.5 elsewhere, so that which z were decoded can be read back from the images."""
    import keras
    from keras import ops

    class ProbeDecoder(keras.Model):
        def call(self, z):
            if z.shape[-1] != z_dim:
                raise ValueError(
                    f"this decoder takes z of shape (N, {z_dim}), got {tuple(z.shape)}: "
                    "draw z with the z_dim argument"
                )
            z = ops.cast(z, "float32")
            rest = ops.full((ops.shape(z)[0], 28 * 28 - z_dim), 0.5, dtype="float32")
            return ops.reshape(ops.concatenate([ops.sigmoid(z), rest], axis=1), (-1, 28, 28, 1))

    return ProbeDecoder(name="probe_decoder")
