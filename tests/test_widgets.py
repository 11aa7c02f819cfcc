"""musiclearn.widgets: render functions compute the right things; explorers update when a slider moves."""

from __future__ import annotations

import base64

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from musiclearn import widgets as W  # noqa: E402


pytestmark = pytest.mark.usefixtures("no_figure_leak")   # see tests/conftest.py


def _png(view: W.View) -> bytes:
    png = view.png()
    assert png.startswith(b"\x89PNG"), "the figure renders to a PNG"
    return png


# ---------------------------------------------------------------- render_tone


@pytest.mark.parametrize("freq, sr, heard", [(440.0, 8000, 440.0), (5000.0, 8000, 3000.0),
                                               (9000.0, 8000, 1000.0), (3000.0, 4000, 1000.0),
                                               (4000.0, 8000, 4000.0)])
def test_tone_reports_the_frequency_you_hear(freq, sr, heard):
    view = W.render_tone(freq, sr=sr)
    assert view.data["heard_hz"] == pytest.approx(heard)
    assert view.data["aliased"] == (freq > sr / 2)
    assert f"{heard:.0f} Hz" in view.text
    _png(view)


def test_tone_samples_are_the_sampled_sinusoid():
    view = W.render_tone(440.0, amplitude=0.5, phase=np.pi / 3, sr=11025, duration=0.25)
    y = view.data["y"]
    n = np.arange(y.size)
    assert y.size == round(0.25 * 11025)
    assert np.allclose(y, 0.5 * np.sin(2 * np.pi * 440 * n / 11025 + np.pi / 3), atol=1e-6)
    t = view.data["t"]
    assert np.allclose(t, np.arange(t.size) / 11025)
    assert np.allclose(view.data["samples"], y[: t.size])


def test_alias_curve_goes_through_the_samples():
    view = W.render_tone(7100.0, amplitude=0.9, phase=1.1, sr=8000)
    ax = view.fig.axes[0]
    dashed = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert len(dashed) == 1 and "900 Hz" in dashed[0].get_label()
    x, curve = dashed[0].get_data()
    samples_t, samples = view.data["t"], view.data["samples"]
    assert np.allclose(np.interp(samples_t, x, curve), samples, atol=0.02)
    # and the alias really is 900 Hz: a 900 Hz sinusoid through the same samples
    n = np.arange(samples.size)
    assert np.allclose(samples, -0.9 * np.sin(2 * np.pi * 900 * n / 8000 - 1.1), atol=1e-5)


def test_no_alias_curve_below_nyquist():
    view = W.render_tone(1000.0, sr=8000)
    assert not [line for line in view.fig.axes[0].lines if line.get_linestyle() == "--"]


def test_tone_audio_does_not_autoplay_and_keeps_amplitude():
    quiet, loud = W.render_tone(440.0, amplitude=0.1), W.render_tone(440.0, amplitude=1.0)
    assert quiet.audio is not None and quiet.audio.autoplay is False
    assert 'autoplay="autoplay"' not in quiet.audio._repr_html_()
    # normalize=False: the quiet tone is stored quieter, so the slider changes the loudness you hear
    assert len(quiet.audio.data) == len(loud.audio.data)
    assert quiet.audio.data != loud.audio.data


def test_tone_axes_have_units():
    ax = W.render_tone(440.0).fig.axes[0]
    assert ax.get_xlabel() == "Time (s)" and ax.get_ylabel() == "Amplitude"


@pytest.mark.parametrize("kwargs, match", [
    ({"freq": -5.0}, "freq"), ({"freq": 440.0, "sr": 0}, "sr"),
    ({"freq": 440.0, "amplitude": 1.5}, "amplitude"), ({"freq": 440.0, "duration": 0}, "duration"),
])
def test_tone_rejects_bad_values(kwargs, match):
    freq = kwargs.pop("freq")
    with pytest.raises(ValueError, match=match):
        W.render_tone(freq, **kwargs)


# ---------------------------------------------------------------- render_leakage


def test_a_tone_on_a_bin_does_not_leak():
    view = W.render_leakage(0.0, window="rectangular")
    assert view.data["rect_far"] < 1e-20
    db = view.data["rect_db"]
    assert db[8] == pytest.approx(0.0, abs=1e-6)
    assert np.max(np.delete(db, 8)) < -100


def test_leakage_spreads_to_both_sides_and_a_window_reduces_it():
    view = W.render_leakage(0.5, window="hann")
    rect, hann = view.data["rect_db"], view.data["window_db"]
    # myth 3: leakage goes to lower AND higher bins, not just "to higher frequencies"
    assert rect[5] > -40 and rect[12] > -40
    assert abs(rect[5] - rect[12]) < 6
    # myth 4: the window reduces far leakage but does not eliminate it
    assert 0 < view.data["window_far"] < view.data["rect_far"] / 20
    assert hann[20] < rect[20] - 20
    assert view.data["freq_hz"] == pytest.approx(8.5 * 8000 / 64)


def test_window_widens_the_peak_of_an_on_bin_tone():
    view = W.render_leakage(0.0, window="hann")
    hann = view.data["window_db"]
    assert hann[7] > -10 and hann[9] > -10  # Hann's main lobe covers the neighbouring bins
    assert view.data["rect_db"][7] < -100


@pytest.mark.parametrize("window", W.WINDOWS)
def test_leakage_renders_every_window(window):
    view = W.render_leakage(0.3, window=window)
    assert window in view.text
    ax = view.fig.axes[0]
    assert "bins" in ax.get_xlabel() and "(dB)" in ax.get_ylabel()


@pytest.mark.parametrize("kwargs, match", [({"offset": 1.5}, "offset"), ({"offset": 0.2, "window": "kaiser"},
                                           "window"), ({"offset": 0.2, "n": 4}, "n must")])
def test_leakage_rejects_bad_values(kwargs, match):
    offset = kwargs.pop("offset")
    with pytest.raises(ValueError, match=match):
        W.render_leakage(offset, **kwargs)


# ---------------------------------------------------------------- render_two_sines


def test_two_distant_tones_give_two_peaks_at_their_frequencies():
    view = W.render_two_sines(1000.0, 1500.0, a2=0.5, n=256, window="hann")
    assert view.data["resolved"]
    assert np.allclose(sorted(view.data["peaks_hz"]), [1000.0, 1500.0], atol=view.data["bin_hz"])
    db = view.data["db"]
    freqs = view.data["freqs"]
    assert db[np.argmin(np.abs(freqs - 1500))] == pytest.approx(20 * np.log10(0.5), abs=0.5)


def test_zero_padding_does_not_resolve_close_tones_but_a_longer_frame_does():
    short = W.render_two_sines(1000.0, 1020.0, n=256, zero_pad=8)
    assert not short.data["resolved"]
    assert len(short.data["freqs"]) == 256 * 8 // 2 + 1  # padding did add points
    long = W.render_two_sines(1000.0, 1020.0, n=2048, zero_pad=1)
    assert long.data["resolved"]
    assert "not resolved" in short.text and "two separate peaks" in long.text


def test_two_sines_rejects_bad_values():
    with pytest.raises(ValueError, match="Nyquist"):
        W.render_two_sines(1000.0, 5000.0, sr=8000)
    with pytest.raises(ValueError, match="zero_pad"):
        W.render_two_sines(1000.0, 1100.0, zero_pad=0)
    with pytest.raises(ValueError, match="window"):
        W.render_two_sines(1000.0, 1100.0, window="triangle")


# ---------------------------------------------------------------- View


def test_view_outputs_are_jupyter_records():
    view = W.render_tone(440.0)
    records = view.outputs()
    image = records[0]["data"]["image/png"]
    assert base64.b64decode(image).startswith(b"\x89PNG")
    assert records[1] == {"output_type": "stream", "name": "stdout", "text": view.text + "\n"}
    assert "<audio" in records[2]["data"]["text/html"]
    assert len(W.render_leakage(0.2).outputs()) == 2  # no sound, no audio record


# ---------------------------------------------------------------- explorers (headless)


def _texts(box) -> list[str]:
    return [o["text"] for o in box.view_output.outputs if o["output_type"] == "stream"]


def _image(box) -> str:
    return next(o["data"]["image/png"] for o in box.view_output.outputs if "image/png" in o.get("data", {}))


EXPLORERS = {
    "tone": (W.tone_explorer, "freq", 3000.0, "3000 Hz"),
    "tone_sr": (W.tone_explorer, "sr", 4000, "sampled at 4000 Hz"),
    "leakage": (W.leakage_explorer, "offset", 0.5, "bin 8.50"),
    "leakage_window": (W.leakage_explorer, "window", "blackman", "blackman"),
    "two_sines": (W.two_sines_explorer, "f2", 1020.0, "20 Hz apart"),
    "two_sines_n": (W.two_sines_explorer, "n", 2048, "N = 2048"),
}


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_moving_a_control_changes_the_output(name):
    import ipywidgets as widgets

    build, control, value, expected_text = EXPLORERS[name]
    box = build()
    assert isinstance(box, widgets.VBox)
    assert box.view_output in box.children
    before_text, before_image = _texts(box), _image(box)
    assert before_text and expected_text not in before_text[0]

    box.controls[control].value = value

    after_text, after_image = _texts(box), _image(box)
    assert expected_text in after_text[0]
    assert after_image != before_image, "the plot changed"
    kinds = [o["output_type"] for o in box.view_output.outputs]
    sound = [o for o in box.view_output.outputs if "text/html" in o.get("data", {})]
    assert kinds.count("stream") == 1, "old outputs are replaced, not appended to"
    assert len(sound) == (1 if build is W.tone_explorer else 0)


@pytest.mark.parametrize("build", [W.tone_explorer, W.leakage_explorer, W.two_sines_explorer])
def test_sliders_update_only_on_release(build):
    import ipywidgets as widgets

    box = build()
    sliders = [c for c in box.controls.values() if isinstance(c, (widgets.FloatSlider, widgets.SelectionSlider,
                                                                  widgets.IntSlider))]
    assert sliders, "every explorer has at least one slider"
    assert all(s.continuous_update is False for s in sliders)


def test_explorer_starting_values_are_validated():
    with pytest.raises(ValueError, match="sr must be one of"):
        W.tone_explorer(sr=12345)
    with pytest.raises(ValueError, match="window"):
        W.leakage_explorer(window="kaiser")
    with pytest.raises(ValueError, match="n must be one of"):
        W.two_sines_explorer(n=100)


def test_explorer_starts_from_the_given_values():
    box = W.tone_explorer(freq=1000.0, sr=16000)
    assert box.controls["freq"].value == 1000.0
    assert "1000 Hz" in _texts(box)[0] and "16000 Hz" in _texts(box)[0]


def test_import_is_light():
    import subprocess
    import sys

    code = ("import sys, musiclearn.widgets; "
            "print(any(m in sys.modules for m in ('ipywidgets', 'matplotlib', 'IPython')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --------------------------------------------------------------------------- explore: the one pattern

def _render_sine(freq, window="hann", loud=False):
    from matplotlib.figure import Figure

    fig = Figure()
    t = np.arange(256) / 8000
    fig.subplots().plot(t, (2 if loud else 1) * np.sin(2 * np.pi * freq * t))
    return W.View(fig, f"{freq} Hz, {window}", data={"freq": freq, "window": window, "loud": loud})


def test_explore_builds_controls_from_short_forms_and_renders_once():
    box = W.explore(_render_sine, freq=(100, 1000, 10, 440), window=["hann", "rectangular"], loud=False)
    import ipywidgets as ipw

    assert isinstance(box.controls["freq"], ipw.IntSlider) and box.controls["freq"].value == 440
    assert isinstance(box.controls["window"], ipw.Dropdown)
    assert isinstance(box.controls["loud"], ipw.Checkbox)
    assert all(c.continuous_update is False for c in box.controls.values() if "continuous_update" in c.keys)
    assert box.renders == 1 and box.last.data == {"freq": 440, "window": "hann", "loud": False}
    kinds = [record["output_type"] for record in box.view_output.outputs]
    assert kinds == ["display_data", "stream"] and box.view_output.outputs[1]["text"] == "440 Hz, hann\n"


def test_explore_rerenders_when_a_control_moves_and_set_does_the_same():
    box = W.explore(_render_sine, freq=[250, 500, 1000])
    assert box.controls["freq"].__class__.__name__ == "SelectionSlider"
    before = box.view_output.outputs[0]["data"]["image/png"]
    box.controls["freq"].value = 1000
    assert box.renders == 2 and box.last.data["freq"] == 1000
    assert box.view_output.outputs[0]["data"]["image/png"] != before
    box.set(freq=500)
    assert box.renders == 3 and box.last.text == "500 Hz, hann"
    with pytest.raises(ValueError, match="no control named volume"):
        box.set(volume=3)


def test_explore_passes_fixed_arguments_and_forces_release_updates():
    import ipywidgets as ipw

    slider = ipw.FloatSlider(value=300.0, min=100.0, max=900.0, continuous_update=True)
    box = W.explore(_render_sine, fixed={"loud": True}, freq=slider)
    assert slider.continuous_update is False and box.last.data["loud"] is True


def test_explore_closes_pyplot_figures_so_they_show_once():
    import matplotlib.pyplot as plt

    def render(freq):
        fig, ax = plt.subplots()
        ax.plot([0, freq])
        return fig, ax

    plt.close("all")
    box = W.explore(render, freq=(1, 5, 1))
    box.set(freq=3)
    assert plt.get_fignums() == [] and box.renders == 2 and box.last.fig is not None


def test_explore_shows_a_failing_render_where_the_view_was():
    def render(freq):
        if freq > 2:
            raise RuntimeError("too high for this demo")
        return _render_sine(100 * freq)

    box = W.explore(render, freq=(1, 5, 1))
    box.set(freq=4)
    (record,) = box.view_output.outputs
    assert record["output_type"] == "error" and "too high" in record["evalue"]
    with pytest.raises(RuntimeError, match="too high"):
        W.explore(render, freq=(3, 5, 1))   # the first render fails the cell itself


@pytest.mark.parametrize("spec, message", [((1, 2), "min, max, step"), ([], "non-empty list"), ("x", "got 'x'")])
def test_explore_rejects_unclear_controls(spec, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        W.explore(_render_sine, freq=spec)


def test_explore_says_what_a_render_function_must_return():
    with pytest.raises(TypeError, match="must return a widgets.View"):
        W.explore(lambda freq: 42, freq=(1, 5, 1))
